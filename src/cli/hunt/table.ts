import pc from 'picocolors';

/** Widest a column may grow before its cells are cut. */
const MAX_WIDTH: Record<string, number> = { Rule: 60, Details: 80, 'ATT&CK': 40, Channel: 40, File: 60 };

function cut(s: string, width: number): string {
  const flat = s.replace(/[\r\n\t]+/g, ' ');
  return flat.length > width ? flat.slice(0, width - 1) + '…' : flat;
}

export function colourLevel(level: string, text: string): string {
  switch (level) {
    case 'critical': return pc.bold(pc.red(text));
    case 'high': return pc.red(text);
    case 'medium': return pc.yellow(text);
    case 'low': return pc.green(text);
    default: return pc.dim(text);
  }
}

/**
 * Aligned columns, header first. `levelColumn` names the column whose cells are coloured by
 * level when `colour` is true (padding is computed on the plain text).
 */
export function renderTable(header: readonly string[], rows: string[][], options: { colour: boolean; levelColumn?: number }): string {
  const widths = header.map((h, i) => {
    const max = MAX_WIDTH[h] ?? 40;
    let w = h.length;
    for (const r of rows) w = Math.max(w, Math.min(max, (r[i] ?? '').length));
    return w;
  });
  const line = (cells: readonly string[], head: boolean) =>
    cells
      .map((c, i) => {
        const plain = cut(c ?? '', widths[i]!);
        const padded = i === cells.length - 1 ? plain : plain.padEnd(widths[i]!);
        if (head) return options.colour ? pc.bold(padded) : padded;
        return options.colour && i === options.levelColumn ? colourLevel(plain, padded) : padded;
      })
      .join('  ')
      .trimEnd();
  const out = [line(header, true), line(widths.map((w) => '-'.repeat(w)), true)];
  for (const r of rows) out.push(line(r, false));
  return out.join('\n') + '\n';
}
