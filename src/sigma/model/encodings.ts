/** Byte-level encodings used by the base64/utf16 modifiers. Byte strings are held as latin1 JS strings. */

export function utf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

export function utf16le(bytes: string): string {
  return Buffer.from(latin1ToText(bytes), 'utf16le').toString('latin1');
}

export function utf16be(bytes: string): string {
  const le = Buffer.from(latin1ToText(bytes), 'utf16le');
  for (let i = 0; i + 1 < le.length; i += 2) {
    const t = le[i]!;
    le[i] = le[i + 1]!;
    le[i + 1] = t;
  }
  return le.toString('latin1');
}

export function utf16WithBom(bytes: string): string {
  return '\xff\xfe' + utf16le(bytes);
}

/** Byte strings entering the utf16 encoders are UTF-8 encoded text; decode back to text first. */
function latin1ToText(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

export function base64(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('base64');
}

/**
 * The three base64 renderings of a value that appears at an unknown offset inside an encoded blob:
 * the value shifted by 0, 1 and 2 bytes, with the characters that depend on the neighbours trimmed.
 */
export function base64Offsets(bytes: string): string[] {
  const startOffsets = [0, 2, 3];
  const endOffsets = [0, -3, -2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const encoded = Buffer.from(' '.repeat(i) + bytes, 'latin1').toString('base64');
    const end = endOffsets[(bytes.length + i) % 3]!;
    out.push(encoded.slice(startOffsets[i], end === 0 ? undefined : end));
  }
  return out;
}
