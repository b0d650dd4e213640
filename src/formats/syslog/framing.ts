import { VigilError } from '../../core/errors.js';
import { ByteChunks } from '../byte-chunks.js';

/** How a frame was delimited on the wire (RFC 6587 section 3.4). */
export type Framing = 'octet-counting' | 'non-transparent';

export type FrameEvent =
  | { type: 'frame'; data: Uint8Array; offset: number; framing: Framing }
  /** A frame that was dropped (too large, truncated); decoding continues with the next frame. */
  | { type: 'error'; error: VigilError; offset: number };

export interface FrameDecoderOptions {
  /** Largest frame kept, in bytes; larger ones are reported and skipped. Default 64 KiB. */
  maxFrameBytes?: number;
}

export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const SP = 0x20;
const LT = 0x3c;
const MAX_LEN_DIGITS = 10;

type State = 'start' | 'header' | 'octets' | 'skip-octets' | 'line' | 'skip-line';

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/**
 * Splits a syslog TCP byte stream into frames, fed in chunks of any size. Each frame picks its
 * framing: `MSG-LEN SP <` starts an octet-counted frame, anything else runs to LF (CR before LF
 * dropped) or NUL. Requiring the `<` after the length keeps newline-framed lines that start with
 * digits (ISO timestamps without PRI) from being mistaken for octet counts.
 */
export class SyslogFrameDecoder {
  private readonly max: number;
  private state: State = 'start';
  private readonly pending = new ByteChunks();
  private header: number[] = [];
  private remaining = 0;
  private consumed = 0;
  private frameStart = 0;
  private frameFraming: Framing = 'non-transparent';

  constructor(options: FrameDecoderOptions = {}) {
    this.max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!Number.isInteger(this.max) || this.max < 1) {
      throw new VigilError('SYSLOG_BAD_OPTION', 'maxFrameBytes must be a positive integer', { field: 'maxFrameBytes' });
    }
  }

  /** Feeds the next chunk; returns the frames and errors it completed. */
  push(chunk: Uint8Array): FrameEvent[] {
    const out: FrameEvent[] = [];
    let i = 0;
    const n = chunk.length;
    const base = this.consumed;
    while (i < n) {
      switch (this.state) {
        case 'start': {
          const b = chunk[i];
          if (b === LF || b === CR || b === NUL) {
            i++;
            break;
          }
          this.frameStart = base + i;
          this.state = isDigit(b) ? 'header' : 'line';
          break;
        }
        case 'header': {
          const b = chunk[i];
          const digits = this.header.length;
          if (digits > 0 && this.header[digits - 1] === SP) {
            this.decideHeader(b, out);
          } else if (isDigit(b) && digits < MAX_LEN_DIGITS && !(digits === 1 && this.header[0] === 0x30)) {
            this.header.push(b);
            i++;
          } else if (b === SP && digits > 0) {
            // The decision needs the byte after SP, which may come in the next chunk.
            this.header.push(b);
            i++;
          } else {
            this.headerToLine();
          }
          break;
        }
        case 'octets': {
          const take = Math.min(this.remaining, n - i);
          this.pending.append(chunk.subarray(i, i + take));
          this.remaining -= take;
          i += take;
          if (this.remaining === 0) out.push(this.emit());
          break;
        }
        case 'skip-octets': {
          const take = Math.min(this.remaining, n - i);
          this.remaining -= take;
          i += take;
          if (this.remaining === 0) this.state = 'start';
          break;
        }
        case 'line':
        case 'skip-line': {
          let j = i;
          while (j < n && chunk[j] !== LF && chunk[j] !== NUL) j++;
          if (this.state === 'line') {
            // One byte of slack for a CR that finishLine drops.
            if (this.pending.size + (j - i) > this.max + 1) this.tooLarge(out);
            else this.pending.append(chunk.subarray(i, j));
          }
          if (j < n) {
            if (this.state === 'line') this.finishLine(out);
            this.state = 'start';
            j++;
          }
          i = j;
          break;
        }
      }
    }
    this.consumed += n;
    return out;
  }

  /** Ends the stream: a last line without delimiter is a frame; a partial octet-counted frame is an error. */
  end(): FrameEvent[] {
    const out: FrameEvent[] = [];
    if (this.state === 'header') this.headerToLine();
    if (this.state === 'line') this.finishLine(out);
    else if (this.state === 'octets') {
      const got = this.pending.size;
      out.push(this.error('SYSLOG_FRAME_TRUNCATED', `stream ended inside an octet-counted frame: got ${got} of ${got + this.remaining} bytes`));
    }
    this.pending.clear();
    this.state = 'start';
    return out;
  }

  private decideHeader(next: number, out: FrameEvent[]): void {
    if (next !== LT) {
      this.headerToLine();
      return;
    }
    let len = 0;
    for (const b of this.header) if (b !== SP) len = len * 10 + (b - 0x30);
    this.header = [];
    this.frameFraming = 'octet-counting';
    if (len === 0) {
      this.state = 'start';
      return;
    }
    if (len > this.max) {
      out.push(this.error('SYSLOG_FRAME_TOO_LARGE', `octet-counted frame of ${len} bytes exceeds the limit of ${this.max}; skipped`));
      this.remaining = len;
      this.state = 'skip-octets';
      return;
    }
    this.remaining = len;
    this.state = 'octets';
  }

  private headerToLine(): void {
    this.pending.append(Uint8Array.from(this.header));
    this.header = [];
    this.state = 'line';
  }

  private finishLine(out: FrameEvent[]): void {
    this.frameFraming = 'non-transparent';
    let frame = this.pending.concat();
    if (frame.length > 0 && frame[frame.length - 1] === CR) frame = frame.subarray(0, frame.length - 1);
    if (frame.length > this.max) {
      this.tooLarge(out);
      return;
    }
    this.pending.clear();
    if (frame.length > 0) out.push({ type: 'frame', data: frame, offset: this.frameStart, framing: 'non-transparent' });
  }

  private tooLarge(out: FrameEvent[]): void {
    out.push(this.error('SYSLOG_FRAME_TOO_LARGE', `newline-delimited frame longer than the limit of ${this.max} bytes; skipped up to the next delimiter`));
    this.pending.clear();
    this.state = 'skip-line';
  }

  private emit(): FrameEvent {
    const data = this.pending.concat();
    this.pending.clear();
    this.state = 'start';
    return { type: 'frame', data, offset: this.frameStart, framing: this.frameFraming };
  }

  private error(code: string, message: string): FrameEvent {
    const offset = this.frameStart;
    return { type: 'error', offset, error: new VigilError(code, `syslog framing: ${message}`, { offset }) };
  }
}
