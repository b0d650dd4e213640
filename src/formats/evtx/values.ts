import { ArrayFlag, FileTime, Hex64, SystemTime, ValueType } from './model.js';

/**
 * Decoding of substitution values into plain JS values. The BinXml (0x21) type is not handled
 * here because it needs the BinXML parser; see binxml.ts.
 *
 * Representation by type: strings -> string; 8..32-bit integers and reals -> number; 64-bit
 * integers -> number when exactly representable, else bigint; Bool -> boolean; Binary -> uppercase
 * hex string; Guid -> uppercase string without braces; FileTime/SystemTime/Hex64 -> the classes in
 * model.ts; HexInt32 -> number; SizeT and EvtHandle -> like an unsigned integer of their size;
 * Sid -> `S-1-...`; Null -> null; arrays -> JS arrays of the element representation.
 */

const TWO_32 = 4294967296;

/** Windows-1252 code points for bytes 0x80..0x9f (the only range that differs from Latin-1). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

type SliceFn = (this: Buffer, start: number, end: number) => string;
const slices = Buffer.prototype as unknown as { ucs2Slice?: SliceFn; latin1Slice?: SliceFn; hexSlice?: SliceFn };
// The raw slice methods skip Buffer#toString's argument normalization, which shows in profiles
// because every name and string value goes through them.
const ucs2Slice: SliceFn = slices.ucs2Slice ?? function (this: Buffer, start, end) {
  return this.toString('utf16le', start, end);
};
const hexSlice: SliceFn = slices.hexSlice ?? function (this: Buffer, start, end) {
  return this.toString('hex', start, end);
};

/** UTF-16LE text of `buf[start, end)` (an odd trailing byte is ignored). */
export function utf16Raw(buf: Buffer, start: number, end: number): string {
  return ucs2Slice.call(buf, start, start + ((end - start) & ~1));
}

/** UTF-16LE text of `buf[start, end)`, cut at the first NUL (writers pad and terminate strings with NULs). */
export function utf16(buf: Buffer, start: number, end: number): string {
  if (end - start < 2) return '';
  const s = utf16Raw(buf, start, end);
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

export function ansi(buf: Buffer, start: number, end: number): string {
  let stop = start;
  let high = false;
  while (stop < end && buf[stop] !== 0) {
    if (buf[stop]! >= 0x80 && buf[stop]! < 0xa0) high = true;
    stop++;
  }
  const s = buf.toString('latin1', start, stop);
  if (!high) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 0x80 && c < 0xa0 ? String.fromCharCode(CP1252_HIGH[c - 0x80]!) : s[i];
  }
  return out;
}

function hex8(n: number): string {
  const s = n.toString(16);
  return s.length >= 8 ? s : '00000000'.slice(s.length) + s;
}

export function guidAt(buf: Buffer, off: number): string {
  // Data1..3 are little-endian, the last 8 bytes are in order: reorder the hex digits in one pass.
  const h = hexSlice.call(buf, off, off + 16).toUpperCase();
  return (
    h.slice(6, 8) + h.slice(4, 6) + h.slice(2, 4) + h.slice(0, 2) + '-' +
    h.slice(10, 12) + h.slice(8, 10) + '-' +
    h.slice(14, 16) + h.slice(12, 14) + '-' +
    h.slice(16, 20) + '-' + h.slice(20, 32)
  );
}

/** Size in bytes of the SID at `off`, or -1 if it does not fit before `end`. */
function sidSize(buf: Buffer, off: number, end: number): number {
  if (off + 8 > end) return -1;
  const size = 8 + 4 * buf[off + 1]!;
  return off + size <= end ? size : -1;
}

function sidAt(buf: Buffer, off: number, end: number): string {
  const size = sidSize(buf, off, end);
  if (size < 0) throw new RangeError('truncated SID');
  const count = buf[off + 1]!;
  // 48-bit big-endian authority: exact in a double.
  const authority = buf.readUInt16BE(off + 2) * TWO_32 + buf.readUInt32BE(off + 4);
  let s = `S-${buf[off]!}-${authority}`;
  for (let i = 0; i < count; i++) s += '-' + buf.readUInt32LE(off + 8 + 4 * i);
  return s;
}

function int64At(buf: Buffer, off: number, signed: boolean): number | bigint {
  const lo = buf.readUInt32LE(off);
  const hi = signed ? buf.readInt32LE(off + 4) : buf.readUInt32LE(off + 4);
  // |hi| < 2^21 keeps hi * 2^32 + lo inside Number.MAX_SAFE_INTEGER.
  if (hi < 0x200000 && hi > -0x200000) return hi * TWO_32 + lo;
  return signed ? buf.readBigInt64LE(off) : buf.readBigUInt64LE(off);
}

function hex64At(buf: Buffer, off: number): Hex64 {
  return new Hex64(hex8(buf.readUInt32LE(off + 4)) + hex8(buf.readUInt32LE(off)));
}

/** Fixed element size of a scalar type, 0 when variable-sized. */
export function fixedSize(type: number): number {
  switch (type) {
    case ValueType.Int8:
    case ValueType.UInt8:
      return 1;
    case ValueType.Int16:
    case ValueType.UInt16:
      return 2;
    case ValueType.Int32:
    case ValueType.UInt32:
    case ValueType.Real32:
    case ValueType.Bool:
    case ValueType.HexInt32:
      return 4;
    case ValueType.Int64:
    case ValueType.UInt64:
    case ValueType.Real64:
    case ValueType.FileTime:
    case ValueType.HexInt64:
      return 8;
    case ValueType.Guid:
    case ValueType.SystemTime:
      return 16;
    default:
      return 0;
  }
}

/** Decodes one fixed-size scalar at `off` (the caller has checked that it fits). */
function fixedAt(buf: Buffer, off: number, type: number): unknown {
  switch (type) {
    case ValueType.Int8:
      return buf.readInt8(off);
    case ValueType.UInt8:
      return buf[off]!;
    case ValueType.Int16:
      return buf.readInt16LE(off);
    case ValueType.UInt16:
      return buf.readUInt16LE(off);
    case ValueType.Int32:
      return buf.readInt32LE(off);
    case ValueType.UInt32:
    case ValueType.HexInt32:
      return buf.readUInt32LE(off);
    case ValueType.Int64:
      return int64At(buf, off, true);
    case ValueType.UInt64:
      return int64At(buf, off, false);
    case ValueType.Real32:
      return buf.readFloatLE(off);
    case ValueType.Real64:
      return buf.readDoubleLE(off);
    case ValueType.Bool:
      return buf.readUInt32LE(off) !== 0;
    case ValueType.FileTime:
      return new FileTime(buf.readUInt32LE(off), buf.readUInt32LE(off + 4));
    case ValueType.HexInt64:
      return hex64At(buf, off);
    case ValueType.Guid:
      return guidAt(buf, off);
    case ValueType.SystemTime: {
      const f = new Uint16Array(8);
      for (let i = 0; i < 8; i++) f[i] = buf.readUInt16LE(off + 2 * i);
      return new SystemTime(f);
    }
    default:
      throw new RangeError(`not a fixed-size type 0x${type.toString(16)}`);
  }
}

function splitStrings(buf: Buffer, start: number, end: number, wide: boolean): string[] {
  const out: string[] = [];
  const step = wide ? 2 : 1;
  let from = start;
  for (let i = start; i + step <= end; i += step) {
    if (buf[i] === 0 && (!wide || buf[i + 1] === 0)) {
      out.push(wide ? utf16Raw(buf, from, i) : ansi(buf, from, i));
      from = i + step;
    }
  }
  if (from + step <= end) out.push(wide ? utf16(buf, from, end) : ansi(buf, from, end));
  return out;
}

/**
 * Decodes a sized substitution value of `type` from `buf[off, off + size)`. Throws RangeError
 * when the bytes cannot hold the type; the caller turns that into a located VigilError.
 */
export function decodeSized(buf: Buffer, off: number, size: number, type: number): unknown {
  const end = off + size;
  if (end > buf.length) throw new RangeError('value runs past the end of the chunk');
  if (type & ArrayFlag) return decodeArray(buf, off, end, type & ~ArrayFlag);
  switch (type) {
    case ValueType.Null:
      return null;
    case ValueType.String:
    case ValueType.EvtXml:
      return utf16(buf, off, end);
    case ValueType.AnsiString:
      return ansi(buf, off, end);
    case ValueType.Binary:
      return hexSlice.call(buf, off, end).toUpperCase();
    case ValueType.Sid:
      return sidAt(buf, off, end);
    case ValueType.SizeT:
    case ValueType.EvtHandle:
      if (size === 4) return buf.readUInt32LE(off);
      if (size === 8) return int64At(buf, off, false);
      throw new RangeError(`bad size ${size} for pointer-sized value`);
    default: {
      const fixed = fixedSize(type);
      if (fixed === 0) throw new RangeError(`unknown value type 0x${type.toString(16)}`);
      // Bool is written as 4 bytes in substitutions but some writers use 1 or 2.
      if (type === ValueType.Bool && size > 0 && size < 4) return buf.readUIntLE(off, size) !== 0;
      if (size < fixed) throw new RangeError(`value of type 0x${type.toString(16)} needs ${fixed} bytes, has ${size}`);
      return fixedAt(buf, off, type);
    }
  }
}

function decodeArray(buf: Buffer, off: number, end: number, type: number): unknown[] {
  switch (type) {
    case ValueType.String:
      return splitStrings(buf, off, end, true);
    case ValueType.AnsiString:
      return splitStrings(buf, off, end, false);
    case ValueType.Sid: {
      const out: string[] = [];
      let p = off;
      while (p < end) {
        const size = sidSize(buf, p, end);
        if (size < 0) throw new RangeError('truncated SID in array');
        out.push(sidAt(buf, p, end));
        p += size;
      }
      return out;
    }
    case ValueType.Binary:
      return [buf.toString('hex', off, end).toUpperCase()];
    case ValueType.SizeT:
    case ValueType.EvtHandle: {
      const out: unknown[] = [];
      for (let p = off; p + 8 <= end; p += 8) out.push(decodeSized(buf, p, 8, type));
      return out;
    }
    default: {
      const fixed = fixedSize(type);
      if (fixed === 0) throw new RangeError(`unsupported array type 0x${(type | ArrayFlag).toString(16)}`);
      const out: unknown[] = [];
      for (let p = off; p + fixed <= end; p += fixed) out.push(fixedAt(buf, p, type));
      return out;
    }
  }
}

/**
 * Decodes the value of a Value token (not a substitution): strings are length-prefixed, other
 * types have their natural size. Returns the value and the offset after it.
 */
export function decodeInline(buf: Buffer, off: number, end: number, type: number): { value: unknown; next: number } {
  if (type === ValueType.String) {
    if (off + 2 > end) throw new RangeError('truncated string length');
    const chars = buf.readUInt16LE(off);
    const stop = off + 2 + 2 * chars;
    if (stop > end) throw new RangeError('string runs past the end of the fragment');
    return { value: utf16Raw(buf, off + 2, stop), next: stop };
  }
  const fixed = fixedSize(type);
  if (fixed === 0) throw new RangeError(`unsupported inline value type 0x${type.toString(16)}`);
  if (off + fixed > end) throw new RangeError('truncated inline value');
  return { value: fixedAt(buf, off, type), next: off + fixed };
}
