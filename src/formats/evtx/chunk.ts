import { BinXmlError, ChunkBinXml } from './binxml.js';
import { crc32 } from './crc32.js';
import { EvtxCode, EvtxIssue, type IssueSink } from './issues.js';
import type { Node } from './model.js';
import { isoFromFileTime } from './time.js';
import { guidAt } from './values.js';

export const FILE_HEADER_SIZE = 4096;
export const CHUNK_SIZE = 65536;
export const CHUNK_HEADER_SIZE = 512;
const RECORD_MAGIC = 0x00002a2a;
const RECORD_HEADER_SIZE = 24;
const TWO_32 = 4294967296;

export interface FileHeader {
  firstChunk: number;
  lastChunk: number;
  nextRecordId: number | bigint;
  majorVersion: number;
  minorVersion: number;
  /** Offset of the first chunk (the header block size, 4096 in every known file). */
  headerBlockSize: number;
  chunkCount: number;
  /** Bit 0: dirty (not closed cleanly), bit 1: full. */
  flags: number;
  checksumOk: boolean;
}

/** A record as found in a chunk, before rendering. */
export interface RawRecord {
  recordId: number | bigint;
  timestamp: string;
  /** Absolute file offset of the record header. */
  offset: number;
  nodes: Node[];
}

function u64(buf: Buffer, off: number): number | bigint {
  const hi = buf.readUInt32LE(off + 4);
  return hi < 0x200000 ? hi * TWO_32 + buf.readUInt32LE(off) : buf.readBigUInt64LE(off);
}

/** Parses the 4 KiB file header; reports (never throws) when it is missing or damaged. */
export function parseFileHeader(buf: Buffer, file: string | undefined, report: IssueSink): FileHeader | undefined {
  if (buf.length < 128 || buf.toString('latin1', 0, 8) !== 'ElfFile\0') {
    report(new EvtxIssue('error', EvtxCode.FileHeader, 'not an EVTX file (missing ElfFile signature)', { file, offset: 0 }));
    return undefined;
  }
  const checksumOk = crc32(buf, 0, 120) === buf.readUInt32LE(124);
  if (!checksumOk) report(new EvtxIssue('warning', EvtxCode.Checksum, 'file header checksum mismatch', { file, offset: 124 }));
  const blockSize = buf.readUInt16LE(40);
  return {
    firstChunk: Number(u64(buf, 8)),
    lastChunk: Number(u64(buf, 16)),
    nextRecordId: u64(buf, 24),
    minorVersion: buf.readUInt16LE(36),
    majorVersion: buf.readUInt16LE(38),
    headerBlockSize: blockSize >= 128 && blockSize <= FILE_HEADER_SIZE ? blockSize : FILE_HEADER_SIZE,
    chunkCount: buf.readUInt16LE(42),
    flags: buf.readUInt32LE(120),
    checksumOk,
  };
}

function isZero(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}

export interface ChunkTables {
  /** Names of the common string table (64 hash buckets at 0x80), by chunk offset. */
  strings: Map<number, string>;
  /** Template definitions of the template table (32 buckets at 0x180): chunk offset -> GUID. */
  templates: Map<number, string>;
}

/**
 * Walks the chunk's string and template tables, following each bucket's chain. Decoding does
 * not need them (records reference names and templates by offset, parsed on first use and cached),
 * but they list what a chunk defines, which helps when inspecting damaged files. Chains are
 * bounded: an offset seen twice, or outside the chunk, ends the chain.
 */
export function chunkTables(buf: Buffer): ChunkTables {
  const strings = new Map<number, string>();
  const templates = new Map<number, string>();
  const walk = (tableAt: number, buckets: number, visit: (offset: number) => number) => {
    for (let b = 0; b < buckets; b++) {
      let offset = buf.readUInt32LE(tableAt + 4 * b);
      const seen = new Set<number>();
      while (offset >= CHUNK_HEADER_SIZE && offset + 8 <= buf.length && !seen.has(offset)) {
        seen.add(offset);
        offset = visit(offset);
      }
    }
  };
  if (buf.length < CHUNK_SIZE) return { strings, templates };
  walk(0x80, 64, (offset) => {
    const chars = buf.readUInt16LE(offset + 6);
    if (offset + 8 + 2 * chars <= buf.length) strings.set(offset, buf.toString('utf16le', offset + 8, offset + 8 + 2 * chars));
    return buf.readUInt32LE(offset);
  });
  walk(0x180, 32, (offset) => {
    if (offset + 24 > buf.length) return 0;
    templates.set(offset, guidAt(buf, offset + 4));
    return buf.readUInt32LE(offset);
  });
  return { strings, templates };
}

export interface ChunkContext {
  file: string | undefined;
  /** Absolute file offset of the chunk. */
  fileOffset: number;
  index: number;
  report: IssueSink;
}

/** Summary of one chunk, for diagnostics. */
export interface ChunkStats {
  records: number;
  errors: number;
  templates: number;
}

/**
 * Yields the allocated records of one chunk (`buf` is the chunk, up to 64 KiB; shorter when the
 * file is truncated). Records whose BinXML is damaged are reported and skipped; a damaged record
 * header ends the chunk because the next record cannot be located. Never throws for data errors.
 */
export function* chunkRecords(buf: Buffer, ctx: ChunkContext, stats?: ChunkStats): Generator<RawRecord> {
  const { file, fileOffset, report } = ctx;
  const at = (offset: number) => ({ file, offset: fileOffset + offset });
  if (buf.length < CHUNK_HEADER_SIZE || buf.toString('latin1', 0, 8) !== 'ElfChnk\0') {
    // Preallocated chunks at the end of a log are zero-filled: nothing to report.
    if (isZero(buf, 0, Math.min(buf.length, CHUNK_HEADER_SIZE))) return;
    report(new EvtxIssue('error', EvtxCode.Chunk, `chunk ${ctx.index}: missing ElfChnk signature or truncated header`, at(0)));
    if (stats) stats.errors++;
    return;
  }
  if (buf.length < CHUNK_SIZE) {
    report(new EvtxIssue('error', EvtxCode.Chunk, `chunk ${ctx.index} is truncated (${buf.length} of ${CHUNK_SIZE} bytes)`, at(0)));
    if (stats) stats.errors++;
  }
  const headerCrc = crc32(buf, 128, CHUNK_HEADER_SIZE, crc32(buf, 0, 120));
  if (headerCrc !== buf.readUInt32LE(124)) {
    report(new EvtxIssue('warning', EvtxCode.Checksum, `chunk ${ctx.index}: header checksum mismatch`, at(124)));
  }
  let end = buf.readUInt32LE(48); // free space offset: end of the last allocated record
  if (end < CHUNK_HEADER_SIZE || end > CHUNK_SIZE) {
    report(new EvtxIssue('warning', EvtxCode.Chunk, `chunk ${ctx.index}: free space offset ${end} is out of range`, at(48)));
    end = CHUNK_SIZE;
  } else if (crc32(buf, CHUNK_HEADER_SIZE, Math.min(end, buf.length)) !== buf.readUInt32LE(52)) {
    report(new EvtxIssue('warning', EvtxCode.Checksum, `chunk ${ctx.index}: record data checksum mismatch`, at(52)));
  }
  end = Math.min(end, buf.length);

  const binxml = new ChunkBinXml(buf);
  let p = CHUNK_HEADER_SIZE;
  // Each iteration advances p by a record size of at least 28 bytes, so the loop is bounded by the chunk.
  while (p + RECORD_HEADER_SIZE <= end) {
    if (buf.readUInt32LE(p) !== RECORD_MAGIC) {
      if (!isZero(buf, p, end)) {
        report(new EvtxIssue('error', EvtxCode.Record, `chunk ${ctx.index}: bad record signature; rest of chunk skipped`, at(p)));
        if (stats) stats.errors++;
      }
      break;
    }
    const size = buf.readUInt32LE(p + 4);
    const recordId = u64(buf, p + 8);
    if (size < RECORD_HEADER_SIZE + 4 || p + size > buf.length) {
      report(new EvtxIssue('error', EvtxCode.Record, `record size ${size} is invalid; rest of chunk skipped`, at(p), recordId));
      if (stats) stats.errors++;
      break;
    }
    if (buf.readUInt32LE(p + size - 4) !== size) {
      report(new EvtxIssue('warning', EvtxCode.Record, 'record size copy does not match the record header', at(p + size - 4), recordId));
    }
    let nodes: Node[] | undefined;
    try {
      nodes = binxml.parseFragment(p + RECORD_HEADER_SIZE, p + size - 4);
    } catch (err) {
      const offset = err instanceof BinXmlError ? err.offset : p;
      const message = err instanceof Error ? err.message : String(err);
      report(new EvtxIssue('error', EvtxCode.BinXml, `record BinXML: ${message}`, at(offset), recordId, { cause: err }));
      if (stats) stats.errors++;
    }
    if (nodes) {
      if (stats) stats.records++;
      yield { recordId, timestamp: isoFromFileTime(buf.readUInt32LE(p + 16), buf.readUInt32LE(p + 20)), offset: fileOffset + p, nodes };
    }
    p += size;
  }
  if (stats) stats.templates += binxml.templateCount;
}
