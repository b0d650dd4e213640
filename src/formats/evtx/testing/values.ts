/**
 * Substitution values for the test EVTX builder: each helper returns the value type and its
 * encoded bytes, or (for nested BinXml) the fragment to encode in place.
 */
import type { Fragment } from './build.js';

export type ValueSpec = { type: number; bytes: Buffer } | { type: 0x21; fragment: Fragment };

const FILETIME_EPOCH_MS = 11644473600000n;

function fixed(type: number, size: number, write: (b: Buffer) => void): ValueSpec {
  const bytes = Buffer.alloc(size);
  write(bytes);
  return { type, bytes };
}

export function utf16z(s: string): Buffer {
  return Buffer.from(s, 'utf16le');
}

export function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/[{}-]/g, '');
  const b = Buffer.from(hex, 'hex');
  const out = Buffer.alloc(16);
  out.writeUInt32LE(b.readUInt32BE(0), 0);
  out.writeUInt16LE(b.readUInt16BE(4), 4);
  out.writeUInt16LE(b.readUInt16BE(6), 6);
  b.copy(out, 8, 8, 16);
  return out;
}

export function sidBytes(sid: string): Buffer {
  const parts = sid.split('-').slice(1).map((p) => BigInt(p));
  const [revision, authority, ...subs] = parts;
  const out = Buffer.alloc(8 + 4 * subs.length);
  out[0] = Number(revision);
  out[1] = subs.length;
  out.writeUIntBE(Number(authority), 2, 6);
  subs.forEach((s, i) => out.writeUInt32LE(Number(s), 8 + 4 * i));
  return out;
}

/** FILETIME ticks (100 ns since 1601) for a Date plus extra ticks below the millisecond. */
export function fileTimeTicks(date: Date, extraTicks = 0): bigint {
  return (BigInt(date.getTime()) + FILETIME_EPOCH_MS) * 10000n + BigInt(extraTicks);
}

export const V = {
  null: (size = 0): ValueSpec => ({ type: 0x00, bytes: Buffer.alloc(size) }),
  string: (s: string): ValueSpec => ({ type: 0x01, bytes: utf16z(s) }),
  ansi: (s: string): ValueSpec => ({ type: 0x02, bytes: Buffer.from(s, 'latin1') }),
  int8: (n: number): ValueSpec => fixed(0x03, 1, (b) => b.writeInt8(n)),
  uint8: (n: number): ValueSpec => fixed(0x04, 1, (b) => b.writeUInt8(n)),
  int16: (n: number): ValueSpec => fixed(0x05, 2, (b) => b.writeInt16LE(n)),
  uint16: (n: number): ValueSpec => fixed(0x06, 2, (b) => b.writeUInt16LE(n)),
  int32: (n: number): ValueSpec => fixed(0x07, 4, (b) => b.writeInt32LE(n)),
  uint32: (n: number): ValueSpec => fixed(0x08, 4, (b) => b.writeUInt32LE(n)),
  int64: (n: bigint): ValueSpec => fixed(0x09, 8, (b) => b.writeBigInt64LE(n)),
  uint64: (n: bigint): ValueSpec => fixed(0x0a, 8, (b) => b.writeBigUInt64LE(n)),
  real32: (n: number): ValueSpec => fixed(0x0b, 4, (b) => b.writeFloatLE(n)),
  real64: (n: number): ValueSpec => fixed(0x0c, 8, (b) => b.writeDoubleLE(n)),
  bool: (v: boolean): ValueSpec => fixed(0x0d, 4, (b) => b.writeUInt32LE(v ? 1 : 0)),
  binary: (bytes: Buffer): ValueSpec => ({ type: 0x0e, bytes }),
  guid: (g: string): ValueSpec => ({ type: 0x0f, bytes: guidBytes(g) }),
  sizeT: (n: bigint, size: 4 | 8 = 8): ValueSpec =>
    fixed(0x10, size, (b) => (size === 4 ? b.writeUInt32LE(Number(n)) : b.writeBigUInt64LE(n))),
  fileTime: (ticks: bigint): ValueSpec => fixed(0x11, 8, (b) => b.writeBigUInt64LE(ticks)),
  systemTime: (d: Date): ValueSpec =>
    fixed(0x12, 16, (b) => {
      const f = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDay(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()];
      f.forEach((v, i) => b.writeUInt16LE(v, 2 * i));
    }),
  sid: (s: string): ValueSpec => ({ type: 0x13, bytes: sidBytes(s) }),
  hex32: (n: number): ValueSpec => fixed(0x14, 4, (b) => b.writeUInt32LE(n)),
  hex64: (n: bigint): ValueSpec => fixed(0x15, 8, (b) => b.writeBigUInt64LE(n)),
  evtHandle: (n: number): ValueSpec => fixed(0x20, 4, (b) => b.writeUInt32LE(n)),
  binXml: (fragment: Fragment): ValueSpec => ({ type: 0x21, fragment }),
  evtXml: (s: string): ValueSpec => ({ type: 0x23, bytes: utf16z(s) }),
  /** Array of a fixed-size or string type: the element encodings concatenated (strings NUL-terminated). */
  array: (items: ValueSpec[], elementType?: number): ValueSpec => {
    const type = elementType ?? items[0]?.type ?? 0x01;
    const parts = items.map((v) => {
      if (!('bytes' in v)) throw new Error('BinXml arrays are not encodable');
      if (type === 0x01) return Buffer.concat([v.bytes, Buffer.alloc(2)]);
      if (type === 0x02) return Buffer.concat([v.bytes, Buffer.alloc(1)]);
      return v.bytes;
    });
    return { type: type | 0x80, bytes: Buffer.concat(parts) };
  },
};
