/**
 * Writing untrusted text into Markdown: everything a user typed is shown as text, never as markup.
 * CommonMark lets any ASCII punctuation be backslash-escaped, so escaping all of it disarms emphasis,
 * links, images, headings, lists, tables, code fences and autolinks at once; `<`, `>` and `&` become
 * entities so no renderer sees raw HTML or entity tricks.
 */

const PUNCT = /[!"#$%'()*+,\-./:;=?@[\\\]^_`{|}~]/g;

/** One line of text safe inside a paragraph, heading or table cell. */
export function mdInline(text: string): string {
  return text
    .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .replace(PUNCT, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Multi-line text as escaped paragraphs; blank lines separate paragraphs, single newlines become hard breaks. */
export function mdBlock(text: string): string {
  const paragraphs = text.replace(/\r\n?/g, '\n').split(/\n\s*\n/);
  return paragraphs
    .map((p) => p.split('\n').map((line) => mdInline(line)).filter(Boolean).join('\\\n'))
    .filter(Boolean)
    .join('\n\n');
}

/** Indicators written so no reader or renderer follows them: hxxp, [.] and [@]. */
export function defang(value: string): string {
  return value.replace(/^http/i, 'hxxp').replace(/^ftp/i, 'fxp').replace(/\./g, '[.]').replace(/@/g, '[@]');
}

export function mdTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function isoTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
