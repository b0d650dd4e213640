/**
 * Writing untrusted text into Markdown: everything a user typed is shown as text, never as markup.
 * Escaped (backslash, which CommonMark allows before any ASCII punctuation): what starts emphasis, code,
 * links and images, tables, strikethrough and headings anywhere in a line; list, quote and setext
 * markers at a line start (`>` is an entity anyway); `://` and `www.` so GFM does not autolink. `<`, `>` and `&` become entities,
 * so no renderer sees raw HTML or entity tricks. Ordinary punctuation stays readable.
 */

const ANYWHERE = /[\\`*_[\]|~#]/g;
const LINE_START = /^([-+=]|\d{1,9}[.)])/;

/** One line of text safe inside a paragraph, heading or table cell. */
export function mdInline(text: string): string {
  return text
    .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .replace(ANYWHERE, (c) => `\\${c}`)
    .replace(LINE_START, (m) => m.length === 1 ? `\\${m}` : `${m.slice(0, -1)}\\${m.slice(-1)}`)
    .replace(/:\/\//g, '\\://')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\\.`)
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
