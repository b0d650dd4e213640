/**
 * Test-only EVTX writer: assembles valid files (file header, chunks with string and template
 * tables, records, BinXML with templates and substitutions, correct CRC32s) so unit tests need no
 * external sample. Names and template definitions are written inline on first use in a chunk and
 * referenced by offset afterwards, as Windows does, which exercises the reader's caches.
 */
import { crc32 } from '../crc32.js';
import { guidBytes, type ValueSpec } from './values.js';

export type { ValueSpec } from './values.js';
export { V, fileTimeTicks } from './values.js';

/** Content of an element or attribute value in a template or fragment. */
export type XNode =
  | { el: string; attrs?: [string, XNode[]][]; children?: XNode[] }
  | { text: string }
  | { sub: number; type: number; optional?: boolean }
  | { charRef: number }
  | { entity: string }
  | { cdata: string }
  | { pi: string; data: string }
  | { instance: TemplateDef; values: ValueSpec[] };

export interface TemplateDef {
  guid: string;
  /** Template identifier written in template instances (any 32-bit value). */
  id?: number;
  root: XNode;
}

/** A record body or nested BinXml value: a list of top-level nodes (usually one template instance). */
export type Fragment = XNode[];

export interface RecordSpec {
  id: number;
  /** FILETIME ticks of the record header. */
  time: bigint;
  body: Fragment;
}

const CHUNK_SIZE = 65536;

function nameHash(name: string): number {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (Math.imul(hash, 65599) + name.charCodeAt(i)) >>> 0;
  return hash & 0xffff;
}

class ChunkWriter {
  readonly buf = Buffer.alloc(CHUNK_SIZE);
  pos = 512;
  private readonly names = new Map<string, number>();
  private readonly templates = new Map<TemplateDef, number>();

  u8(v: number): void {
    this.buf.writeUInt8(v, this.pos);
    this.pos += 1;
  }
  u16(v: number): void {
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
  }
  u32(v: number): void {
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }
  bytes(b: Buffer): void {
    if (this.pos + b.length > CHUNK_SIZE) throw new RangeError('chunk full');
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }
  utf16(s: string): void {
    this.bytes(Buffer.from(s, 'utf16le'));
  }

  name(name: string): void {
    const known = this.names.get(name);
    if (known !== undefined) return this.u32(known);
    const offset = this.pos + 4;
    this.u32(offset);
    this.names.set(name, offset);
    const bucket = 128 + 4 * (nameHash(name) % 64);
    this.u32(this.buf.readUInt32LE(bucket)); // chain to the previous name in the same bucket
    this.buf.writeUInt32LE(offset, bucket);
    this.u16(nameHash(name));
    this.u16(name.length);
    this.utf16(name);
    this.u16(0);
  }

  content(nodes: XNode[], inTemplate: boolean): void {
    nodes.forEach((node, i) => this.node(node, inTemplate, i < nodes.length - 1));
  }

  /** `more` sets the 0x40 flag that value and reference tokens carry when more content follows. */
  node(node: XNode, inTemplate: boolean, more = false): void {
    const flag = more ? 0x40 : 0;
    if ('el' in node) return this.element(node, inTemplate);
    if ('text' in node) {
      this.u8(0x05 | flag);
      this.u8(0x01);
      this.u16(node.text.length);
      return this.utf16(node.text);
    }
    if ('sub' in node) {
      this.u8(node.optional ? 0x0e : 0x0d);
      this.u16(node.sub);
      return this.u8(node.type);
    }
    if ('charRef' in node) {
      this.u8(0x08 | flag);
      return this.u16(node.charRef);
    }
    if ('entity' in node) {
      this.u8(0x09 | flag);
      return this.name(node.entity);
    }
    if ('cdata' in node) {
      this.u8(0x07 | flag);
      this.u16(node.cdata.length);
      return this.utf16(node.cdata);
    }
    if ('pi' in node) {
      this.u8(0x0a);
      this.name(node.pi);
      this.u8(0x0b);
      this.u16(node.data.length);
      return this.utf16(node.data);
    }
    this.instance(node.instance, node.values);
  }

  private element(node: Extract<XNode, { el: string }>, inTemplate: boolean): void {
    const attrs = node.attrs ?? [];
    this.u8(attrs.length > 0 ? 0x41 : 0x01);
    if (inTemplate) this.u16(0xffff); // dependency identifier: only inside template definitions
    const sizeAt = this.pos;
    this.u32(0);
    this.name(node.el);
    if (attrs.length > 0) {
      const listAt = this.pos;
      this.u32(0);
      attrs.forEach(([name, value], i) => {
        this.u8(i < attrs.length - 1 ? 0x46 : 0x06);
        this.name(name);
        this.content(value, inTemplate);
      });
      this.buf.writeUInt32LE(this.pos - listAt - 4, listAt);
    }
    if (!node.children || node.children.length === 0) {
      this.u8(0x03);
    } else {
      this.u8(0x02);
      this.content(node.children, inTemplate);
      this.u8(0x04);
    }
    this.buf.writeUInt32LE(this.pos - sizeAt - 4, sizeAt);
  }

  private instance(def: TemplateDef, values: ValueSpec[]): void {
    this.u8(0x0c);
    this.u8(0x01);
    this.u32(def.id ?? 0);
    const known = this.templates.get(def);
    if (known !== undefined) {
      this.u32(known);
    } else {
      const offset = this.pos + 4;
      this.u32(offset);
      this.templates.set(def, offset);
      const bucket = 384 + 4 * ((def.id ?? 0) % 32);
      this.u32(this.buf.readUInt32LE(bucket));
      this.buf.writeUInt32LE(offset, bucket);
      this.bytes(guidBytes(def.guid));
      const sizeAt = this.pos;
      this.u32(0);
      this.bytes(Buffer.from([0x0f, 0x01, 0x01, 0x00]));
      this.node(def.root, true);
      this.u8(0x00);
      this.buf.writeUInt32LE(this.pos - sizeAt - 4, sizeAt);
    }
    this.u32(values.length);
    const descriptorsAt = this.pos;
    this.pos += 4 * values.length;
    values.forEach((v, i) => {
      const start = this.pos;
      if ('fragment' in v) this.fragment(v.fragment);
      else this.bytes(v.bytes);
      this.buf.writeUInt16LE(this.pos - start, descriptorsAt + 4 * i);
      this.buf.writeUInt8(v.type, descriptorsAt + 4 * i + 2);
    });
  }

  fragment(nodes: Fragment): void {
    this.bytes(Buffer.from([0x0f, 0x01, 0x01, 0x00]));
    this.content(nodes, false);
    this.u8(0x00);
  }
}

export interface ChunkSpec {
  records: RecordSpec[];
}

/** Builds one chunk; `firstRecordNumber` is the file-wide 1-based number of its first record. */
export function buildChunk(spec: ChunkSpec, firstRecordNumber = 1): Buffer {
  const w = new ChunkWriter();
  let lastRecordOffset = 512;
  for (const record of spec.records) {
    lastRecordOffset = w.pos;
    const start = w.pos;
    w.u32(0x00002a2a);
    w.u32(0);
    w.buf.writeBigUInt64LE(BigInt(record.id), w.pos);
    w.pos += 8;
    w.buf.writeBigUInt64LE(record.time, w.pos);
    w.pos += 8;
    w.fragment(record.body);
    const size = w.pos - start + 4;
    w.u32(size);
    w.buf.writeUInt32LE(size, start + 4);
  }
  const buf = w.buf;
  buf.write('ElfChnk\0', 0, 'latin1');
  const ids = spec.records.map((r) => BigInt(r.id));
  const count = BigInt(spec.records.length);
  buf.writeBigUInt64LE(BigInt(firstRecordNumber), 8);
  buf.writeBigUInt64LE(BigInt(firstRecordNumber) + (count > 0n ? count - 1n : 0n), 16);
  buf.writeBigUInt64LE(ids[0] ?? 0n, 24);
  buf.writeBigUInt64LE(ids[ids.length - 1] ?? 0n, 32);
  buf.writeUInt32LE(128, 40);
  buf.writeUInt32LE(lastRecordOffset, 44);
  buf.writeUInt32LE(w.pos, 48);
  buf.writeUInt32LE(crc32(buf, 512, w.pos), 52);
  buf.writeUInt32LE(crc32(buf, 128, 512, crc32(buf, 0, 120)), 124);
  return buf;
}

/** Builds a whole file: a 4 KiB header followed by one 64 KiB chunk per spec. */
export function buildEvtx(chunks: ChunkSpec[], options: { dirty?: boolean } = {}): Buffer {
  const header = Buffer.alloc(4096);
  header.write('ElfFile\0', 0, 'latin1');
  const lastId = chunks.flatMap((c) => c.records.map((r) => r.id)).reduce((a, b) => Math.max(a, b), 0);
  header.writeBigUInt64LE(0n, 8);
  header.writeBigUInt64LE(BigInt(Math.max(0, chunks.length - 1)), 16);
  header.writeBigUInt64LE(BigInt(lastId + 1), 24);
  header.writeUInt32LE(128, 32);
  header.writeUInt16LE(1, 36);
  header.writeUInt16LE(3, 38);
  header.writeUInt16LE(4096, 40);
  header.writeUInt16LE(chunks.length, 42);
  header.writeUInt32LE(options.dirty ? 1 : 0, 120);
  header.writeUInt32LE(crc32(header, 0, 120), 124);
  let number = 1;
  const built = chunks.map((c) => {
    const b = buildChunk(c, number);
    number += c.records.length;
    return b;
  });
  return Buffer.concat([header, ...built]);
}
