import {
  ArrayFlag,
  NodeKind,
  Token,
  ValueType,
  type AttrNode,
  type ElementNode,
  type Node,
  type Template,
  type TemplateNode,
} from './model.js';
import { decodeInline, decodeSized, guidAt, utf16Raw } from './values.js';

/** A data error at a chunk-relative offset; the chunk reader turns it into a located VigilError. */
export class BinXmlError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'BinXmlError';
  }
}

/** Nesting bound for elements plus nested BinXml values: deep enough for real events, shallow enough for the stack. */
export const MAX_DEPTH = 96;
const NAME_HEADER = 8; // next offset (4) + hash (2) + character count (2)

/**
 * Parses BinXML inside one chunk. All offsets are chunk-relative because names and templates are
 * referenced by chunk offset. Names and templates are cached per chunk, so a template's structure
 * is parsed once and reused by every record that instantiates it.
 */
export class ChunkBinXml {
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, Template>();
  private readonly failedTemplates = new Map<number, BinXmlError>();
  private readonly inProgress = new Set<number>();

  constructor(readonly buf: Buffer) {}

  get templateCount(): number {
    return this.templates.size;
  }

  /** Parses the BinXML of one record (or any fragment) in `buf[start, end)`. */
  parseFragment(start: number, end: number): Node[] {
    const out: Node[] = [];
    this.fragment(start, end, 0, false, out);
    return out;
  }

  /** The template defined at `offset`, parsed on first use. */
  template(offset: number, depth: number): Template {
    const cached = this.templates.get(offset);
    if (cached) return cached;
    const failed = this.failedTemplates.get(offset);
    if (failed) throw failed;
    if (this.inProgress.has(offset)) throw new BinXmlError('template refers to itself', offset);
    const buf = this.buf;
    if (offset < 0 || offset + 24 > buf.length) throw new BinXmlError('template offset outside the chunk', offset);
    const size = buf.readUInt32LE(offset + 20);
    const start = offset + 24;
    if (start + size > buf.length) throw new BinXmlError('template runs past the end of the chunk', offset);
    this.inProgress.add(offset);
    try {
      const nodes: Node[] = [];
      this.fragment(start, start + size, depth + 1, true, nodes);
      const template: Template = { offset, guid: guidAt(buf, offset + 4), nodes };
      this.templates.set(offset, template);
      return template;
    } catch (err) {
      const e = err instanceof BinXmlError ? err : new BinXmlError(String((err as Error).message ?? err), offset);
      this.failedTemplates.set(offset, e);
      throw e;
    } finally {
      this.inProgress.delete(offset);
    }
  }

  name(offset: number): string {
    const cached = this.names.get(offset);
    if (cached !== undefined) return cached;
    const buf = this.buf;
    if (offset < 0 || offset + NAME_HEADER > buf.length) throw new BinXmlError('name offset outside the chunk', offset);
    const chars = buf.readUInt16LE(offset + 6);
    const end = offset + NAME_HEADER + 2 * chars;
    if (end > buf.length) throw new BinXmlError('name runs past the end of the chunk', offset);
    const name = utf16Raw(buf, offset + NAME_HEADER, end);
    this.names.set(offset, name);
    return name;
  }

  /** Reads a name reference at `p`; an inline name (offset pointing just past the reference) is skipped over. */
  private nameRef(p: number, end: number): { name: string; next: number } {
    if (p + 4 > end) throw new BinXmlError('truncated name reference', p);
    const offset = this.buf.readUInt32LE(p);
    const name = this.name(offset);
    if (offset !== p + 4) return { name, next: p + 4 };
    return { name, next: p + 4 + NAME_HEADER + 2 * name.length + 2 };
  }

  private fragment(p: number, end: number, depth: number, inTemplate: boolean, out: Node[]): number {
    if (depth > MAX_DEPTH) throw new BinXmlError('BinXML nested too deeply', p);
    const buf = this.buf;
    while (p < end) {
      const token = buf[p]!;
      if (token === Token.EndOfStream) return p + 1;
      if (token === Token.FragmentHeader) {
        p += 4;
        continue;
      }
      const next = this.content(p, end, depth, inTemplate, out, false);
      if (next === p) throw new BinXmlError(`unexpected BinXML token 0x${token.toString(16)}`, p);
      p = next;
    }
    return p;
  }

  /**
   * Parses content tokens into `out` until a token that is not content here (returned offset
   * points at it). In attribute values only values, substitutions and references are content.
   */
  private content(p: number, end: number, depth: number, inTemplate: boolean, out: Node[], inAttr: boolean): number {
    const buf = this.buf;
    while (p < end) {
      const token = buf[p]!;
      switch (token & 0xbf) {
        case Token.Value: {
          if (p + 2 > end) throw new BinXmlError('truncated value token', p);
          const type = buf[p + 1]!;
          let decoded;
          try {
            decoded = decodeInline(buf, p + 2, end, type);
          } catch (err) {
            throw new BinXmlError((err as Error).message, p);
          }
          if (type === ValueType.String) out.push({ kind: NodeKind.Text, text: decoded.value as string });
          else out.push({ kind: NodeKind.Value, type, value: decoded.value });
          p = decoded.next;
          break;
        }
        case Token.NormalSubstitution:
        case Token.OptionalSubstitution:
          if (token & 0x40) return p;
          if (p + 4 > end) throw new BinXmlError('truncated substitution token', p);
          out.push({
            kind: NodeKind.Subst,
            index: buf.readUInt16LE(p + 1),
            type: buf[p + 3]!,
            optional: token === Token.OptionalSubstitution,
          });
          p += 4;
          break;
        case Token.CharRef:
          if (p + 3 > end) throw new BinXmlError('truncated character reference', p);
          out.push({ kind: NodeKind.CharRef, code: buf.readUInt16LE(p + 1) });
          p += 3;
          break;
        case Token.EntityRef: {
          const ref = this.nameRef(p + 1, end);
          out.push({ kind: NodeKind.EntityRef, name: ref.name });
          p = ref.next;
          break;
        }
        default:
          if (inAttr) return p;
          switch (token & 0xbf) {
            case Token.OpenStartElement:
              if (depth + 1 > MAX_DEPTH) throw new BinXmlError('BinXML nested too deeply', p);
              p = this.element(p, end, depth + 1, inTemplate, out);
              break;
            case Token.CData: {
              if (p + 3 > end) throw new BinXmlError('truncated CDATA', p);
              const stop = p + 3 + 2 * buf.readUInt16LE(p + 1);
              if (stop > end) throw new BinXmlError('CDATA runs past the end', p);
              out.push({ kind: NodeKind.CData, text: buf.toString('utf16le', p + 3, stop) });
              p = stop;
              break;
            }
            case Token.PITarget: {
              const target = this.nameRef(p + 1, end);
              p = target.next;
              let data = '';
              if (p < end && buf[p] === Token.PIData) {
                if (p + 3 > end) throw new BinXmlError('truncated PI data', p);
                const stop = p + 3 + 2 * buf.readUInt16LE(p + 1);
                if (stop > end) throw new BinXmlError('PI data runs past the end', p);
                data = buf.toString('utf16le', p + 3, stop);
                p = stop;
              }
              out.push({ kind: NodeKind.PI, target: target.name, data });
              break;
            }
            case Token.TemplateInstance:
              if (token !== Token.TemplateInstance) return p;
              p = this.templateInstance(p, end, depth, out);
              break;
            default:
              return p;
          }
      }
    }
    return p;
  }

  private element(start: number, end: number, depth: number, inTemplate: boolean, out: Node[]): number {
    const buf = this.buf;
    const token = buf[start]!;
    // Elements inside template definitions carry a 2-byte dependency identifier, elements in
    // record data and nested BinXml values do not. Writers are not consistent, so the other layout
    // is tried when the name offset is implausible for the expected one.
    let p = this.elementHeaderEnd(start, end, inTemplate);
    if (p < 0) p = this.elementHeaderEnd(start, end, !inTemplate);
    if (p < 0) throw new BinXmlError('element has an invalid name offset', start);
    const ref = this.nameRef(p - 4, end);
    p = ref.next;
    const node: ElementNode = { kind: NodeKind.Element, name: ref.name, attrs: [], children: [] };
    out.push(node);
    if (token & 0x40) {
      p += 4; // attribute list size: the attribute tokens themselves say where it ends
      while (p < end && (buf[p]! & 0xbf) === Token.Attribute) {
        const attrName = this.nameRef(p + 1, end);
        const attr: AttrNode = { name: attrName.name, value: [] };
        p = this.content(attrName.next, end, depth, inTemplate, attr.value, true);
        node.attrs.push(attr);
      }
    }
    if (p >= end) throw new BinXmlError('element is truncated', start);
    if (buf[p] === Token.CloseEmptyElement) return p + 1;
    if (buf[p] !== Token.CloseStartElement) throw new BinXmlError(`expected end of start tag, found 0x${buf[p]!.toString(16)}`, p);
    p = this.content(p + 1, end, depth, inTemplate, node.children, false);
    if (p >= end || buf[p] !== Token.EndElement) throw new BinXmlError(`element <${node.name}> is not closed`, start);
    return p + 1;
  }

  /** Offset just past the name-offset field for the given layout, or -1 if the name offset cannot be right. */
  private elementHeaderEnd(start: number, end: number, withDependencyId: boolean): number {
    const p = start + (withDependencyId ? 11 : 9);
    if (p > end) return -1;
    const nameOffset = this.buf.readUInt32LE(p - 4);
    // A name is either inline (right here) or a reference to one earlier in the chunk.
    return nameOffset === p || nameOffset + NAME_HEADER <= start ? p : -1;
  }

  private templateInstance(start: number, end: number, depth: number, out: Node[]): number {
    const buf = this.buf;
    if (start + 10 > end) throw new BinXmlError('truncated template instance', start);
    const defOffset = buf.readUInt32LE(start + 6);
    let p = start + 10;
    const template = this.template(defOffset, depth);
    if (defOffset === p) p += 24 + buf.readUInt32LE(p + 20); // the definition is inline: skip it
    if (p + 4 > end) throw new BinXmlError('truncated substitution count', p);
    const count = buf.readUInt32LE(p);
    p += 4;
    if (count * 4 > end - p) throw new BinXmlError(`substitution count ${count} does not fit the record`, p - 4);
    const types = new Uint8Array(count);
    const sizes = new Uint16Array(count);
    for (let i = 0; i < count; i++, p += 4) {
      sizes[i] = buf.readUInt16LE(p);
      types[i] = buf[p + 2]!;
    }
    const vals = new Array<unknown>(count);
    for (let i = 0; i < count; i++) {
      const size = sizes[i]!;
      if (p + size > end) throw new BinXmlError(`substitution ${i} runs past the end of the record`, p);
      const type = types[i]!;
      if (type === ValueType.BinXml) {
        const nested: Node[] = [];
        if (size > 0) this.fragment(p, p + size, depth + 1, false, nested);
        vals[i] = nested;
      } else if (type === (ValueType.BinXml | ArrayFlag)) {
        throw new BinXmlError('arrays of BinXml are not defined', p);
      } else {
        try {
          vals[i] = decodeSized(buf, p, size, type);
        } catch (err) {
          throw new BinXmlError(`substitution ${i}: ${(err as Error).message}`, p);
        }
      }
      p += size;
    }
    const node: TemplateNode = { kind: NodeKind.Template, template, values: { types, sizes, vals } };
    out.push(node);
    return p;
  }
}
