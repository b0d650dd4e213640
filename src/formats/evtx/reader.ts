import { open, type FileHandle } from 'node:fs/promises';
import { VigilError } from '../../core/errors.js';
import type { EventObject } from '../../core/event.js';
import { CHUNK_SIZE, FILE_HEADER_SIZE, chunkRecords, parseFileHeader, type ChunkStats, type FileHeader, type RawRecord } from './chunk.js';
import { EvtxCode, EvtxIssue, type IssueSink } from './issues.js';
import { JsonRenderer } from './json.js';
import type { Node } from './model.js';
import { XmlRenderer } from './xml.js';

/** One event record. `event` has the Rust `evtx` JSON layout: `{ Event: { System, EventData | UserData } }`. */
export interface EvtxRecord {
  /** EventRecordID from the record header; a bigint only beyond 2^53. */
  recordId: number | bigint;
  /** Record header FILETIME as ISO 8601 UTC with all seven fraction digits. */
  timestamp: string;
  event: EventObject;
}

export interface ReadEvtxOptions {
  /** Receives every data error and warning (checksum mismatches, damaged chunks or records). */
  onIssue?: IssueSink;
  /** File name used in issue locations; defaults to the path (or nothing for buffers). */
  file?: string;
}

export interface EvtxSummary {
  header: FileHeader | undefined;
  /** Chunks with a valid signature. */
  chunks: number;
  records: number;
  /** Template definitions parsed (each is parsed once per chunk, then reused). */
  templates: number;
  errors: number;
  warnings: number;
}

interface RecordSource {
  nodes: Node[];
  offset: number;
}

// A non-enumerable symbol property: invisible to JSON, spreads and deepStrictEqual, so records
// stay plain `{ recordId, timestamp, event }` objects (a WeakMap costs more GC work per record).
const SOURCE = Symbol('evtx.source');

function sourceOf(record: EvtxRecord): RecordSource | undefined {
  return (record as unknown as { [SOURCE]?: RecordSource })[SOURCE];
}

/** The record as XML text in libevtx's `evtxexport -f xml` layout. */
export function toXml(record: EvtxRecord): string {
  const source = sourceOf(record);
  if (!source) throw new VigilError('EVTX_NOT_A_RECORD', 'toXml needs a record produced by this reader');
  return new XmlRenderer().render(source.nodes);
}

/** Absolute file offset of the record header, for records produced by this reader. */
export function recordOffset(record: EvtxRecord): number | undefined {
  return sourceOf(record)?.offset;
}

class Session {
  readonly summary: EvtxSummary = { header: undefined, chunks: 0, records: 0, templates: 0, errors: 0, warnings: 0 };
  readonly stats: ChunkStats = { records: 0, errors: 0, templates: 0 };
  private readonly json = new JsonRenderer();
  readonly report: IssueSink;

  constructor(readonly file: string | undefined, onIssue: IssueSink | undefined) {
    this.report = (issue) => {
      if (issue.severity === 'error') this.summary.errors++;
      else this.summary.warnings++;
      onIssue?.(issue);
    };
  }

  /** Renders a parsed record; a rendering failure is reported and yields undefined. */
  record(raw: RawRecord): EvtxRecord | undefined {
    let event: Record<string, unknown>;
    try {
      event = this.json.render(raw.nodes);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.report(new EvtxIssue('error', EvtxCode.BinXml, `record rendering: ${message}`, { file: this.file, offset: raw.offset }, raw.recordId, { cause: err }));
      return undefined;
    }
    const record: EvtxRecord = { recordId: raw.recordId, timestamp: raw.timestamp, event };
    Object.defineProperty(record, SOURCE, { value: { nodes: raw.nodes, offset: raw.offset } satisfies RecordSource });
    this.summary.records++;
    return record;
  }

  *chunk(buf: Buffer, fileOffset: number, index: number): Generator<EvtxRecord> {
    if (buf.length >= 8 && buf.toString('latin1', 0, 8) === 'ElfChnk\0') this.summary.chunks++;
    for (const raw of chunkRecords(buf, { file: this.file, fileOffset, index, report: this.report }, this.stats)) {
      const record = this.record(raw);
      if (record) yield record;
    }
    this.summary.templates = this.stats.templates;
  }
}

/** Chunks read per system call; two such buffers are in use at a time (one parsed, one prefetched). */
const CHUNKS_PER_READ = 16;
const BATCH = CHUNK_SIZE * CHUNKS_PER_READ;

/**
 * Reads an EVTX file chunk by chunk, yielding records in file order. Memory stays bounded
 * whatever the file size: two buffers of CHUNKS_PER_READ chunks, the next one filling while the
 * current one is parsed. Damaged data is reported through `options.onIssue` and skipped; only a
 * failure to open or read the file throws (EVTX_IO). The return value summarizes the file.
 */
export async function* readEvtx(path: string, options: ReadEvtxOptions = {}): AsyncGenerator<EvtxRecord, EvtxSummary> {
  const file = options.file ?? path;
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new VigilError(EvtxCode.Io, `cannot open EVTX file: ${(err as Error).message}`, { file }, { cause: err });
  }
  const session = new Session(file, options.onIssue);
  let pending: Promise<number> | undefined;
  try {
    // The first read takes the file header and the first batch together: a small file costs one
    // read, and a short read means end of file, so no stat is needed.
    let current: Buffer = Buffer.allocUnsafe(FILE_HEADER_SIZE + BATCH);
    let spare: Buffer | undefined;
    const first = await readAt(handle, current, 0, FILE_HEADER_SIZE + BATCH, file);
    session.summary.header = parseFileHeader(current.subarray(0, Math.min(first, FILE_HEADER_SIZE)), file, session.report);
    // Chunks are found by position, not by the header's chunk count: dirty files often have more.
    let start = FILE_HEADER_SIZE; // where the chunks begin in `current`
    let length = Math.max(0, first - FILE_HEADER_SIZE);
    let offset = FILE_HEADER_SIZE; // file offset of current[start]
    let more = first === FILE_HEADER_SIZE + BATCH;
    for (let index = 0; ; ) {
      if (more) {
        spare ??= Buffer.allocUnsafe(FILE_HEADER_SIZE + BATCH);
        pending = readAt(handle, spare, offset + length, BATCH, file);
        // Marks a failure as handled until it is awaited below: the consumer may take its time.
        pending.catch(() => undefined);
      }
      for (let at = 0; at < length; at += CHUNK_SIZE, index++) {
        yield* session.chunk(current.subarray(start + at, start + Math.min(at + CHUNK_SIZE, length)), offset + at, index);
      }
      if (!pending) break;
      const next = await pending;
      pending = undefined;
      [current, spare] = [spare!, current];
      offset += length;
      start = 0;
      length = next;
      more = next === BATCH;
    }
  } finally {
    // A prefetch may still be running when the consumer stops early.
    await pending?.catch(() => undefined);
    await handle.close();
  }
  return session.summary;
}

/** Reads up to `length` bytes at `position`; fewer only at end of file (positional reads of a regular file). */
async function readAt(handle: FileHandle, buf: Buffer, position: number, length: number, file: string): Promise<number> {
  let done = 0;
  try {
    while (done < length) {
      const { bytesRead } = await handle.read(buf, done, length - done, position + done);
      done += bytesRead;
      if (bytesRead === 0 || done < length) break; // end of file
    }
  } catch (err) {
    throw new VigilError(EvtxCode.Io, `cannot read EVTX file: ${(err as Error).message}`, { file, offset: position + done }, { cause: err });
  }
  return done;
}

/** Synchronous variant over a buffer already in memory (small files, tests, uploads). Never throws for data errors. */
export function* readEvtxBuffer(data: Buffer, options: ReadEvtxOptions = {}): Generator<EvtxRecord, EvtxSummary> {
  const session = new Session(options.file, options.onIssue);
  session.summary.header = parseFileHeader(data.subarray(0, FILE_HEADER_SIZE), options.file, session.report);
  for (let offset = FILE_HEADER_SIZE, index = 0; offset < data.length; offset += CHUNK_SIZE, index++) {
    yield* session.chunk(data.subarray(offset, Math.min(offset + CHUNK_SIZE, data.length)), offset, index);
  }
  return session.summary;
}

/** All records of a buffer plus every issue found, for callers that want arrays. */
export function parseEvtxBuffer(data: Buffer, options: Omit<ReadEvtxOptions, 'onIssue'> = {}): { records: EvtxRecord[]; issues: EvtxIssue[]; summary: EvtxSummary } {
  const issues: EvtxIssue[] = [];
  const records: EvtxRecord[] = [];
  const it = readEvtxBuffer(data, { ...options, onIssue: (i) => issues.push(i) });
  let step = it.next();
  while (!step.done) {
    records.push(step.value);
    step = it.next();
  }
  return { records, issues, summary: step.value };
}
