import { VigilError, type Location } from '../../core/errors.js';

export type EvtxIssueSeverity = 'error' | 'warning';

/** Stable codes of everything the reader can report about a file. */
export const EvtxCode = {
  /** The file could not be opened or read at all. */
  Io: 'EVTX_IO',
  /** Missing or invalid file header (the reader still tries the chunks). */
  FileHeader: 'EVTX_FILE_HEADER',
  /** A chunk could not be used (bad signature, truncated, unusable header). */
  Chunk: 'EVTX_CHUNK',
  /** A CRC32 did not match: file header, chunk header or chunk record data. Never fatal. */
  Checksum: 'EVTX_CHECKSUM',
  /** A record header is damaged; the rest of its chunk cannot be located. */
  Record: 'EVTX_RECORD',
  /** A record's BinXML could not be decoded; the reader continues with the next record. */
  BinXml: 'EVTX_BINXML',
} as const;

/**
 * A problem found while reading an EVTX file: data errors (a chunk or record skipped) and
 * warnings (e.g. checksum mismatches). `location.offset` is the absolute file offset.
 */
export class EvtxIssue extends VigilError {
  readonly severity: EvtxIssueSeverity;
  /** Record identifier when the issue concerns one record. */
  readonly recordId: number | bigint | undefined;

  constructor(
    severity: EvtxIssueSeverity,
    code: string,
    message: string,
    location: Location,
    recordId?: number | bigint,
    options?: { cause?: unknown },
  ) {
    super(code, message, location, options);
    this.name = 'EvtxIssue';
    this.severity = severity;
    this.recordId = recordId;
  }
}

export type IssueSink = (issue: EvtxIssue) => void;
