import * as zlib from 'node:zlib';

// zlib.crc32 is native but only exists from Node 20.15; the table keeps older 20.x working.
let table: Uint32Array | undefined;

function tableCrc32(data: Uint8Array, start: number, end: number, seed: number): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = ~seed >>> 0;
  for (let i = start; i < end; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

const nativeCrc32: ((data: Uint8Array, value?: number) => number) | undefined =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? zlib.crc32 : undefined;

/** CRC-32 (IEEE, as used by EVTX headers and chunks) of `data[start, end)`, optionally continuing from `seed`. */
export function crc32(data: Uint8Array, start = 0, end = data.length, seed = 0): number {
  if (end <= start) return seed >>> 0;
  if (nativeCrc32) return nativeCrc32(data.subarray(start, end), seed) >>> 0;
  return tableCrc32(data, start, end, seed);
}

/** Exposed for tests: the portable implementation must agree with the native one. */
export function crc32Portable(data: Uint8Array, start = 0, end = data.length, seed = 0): number {
  return tableCrc32(data, start, end, seed);
}
