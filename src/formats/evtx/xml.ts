import { BinXmlError } from './binxml.js';
import { Entry, Expander, Pseudo } from './expand.js';
import { ArrayFlag, FileTime, Hex64, NodeKind, SystemTime, ValueType, type ElementNode, type Node, type PINode, type Values } from './model.js';
import { xmlFileTime, xmlSystemTime } from './time.js';

/**
 * Renders a record as XML text laid out like libevtx's `evtxexport -f xml`: two-space
 * indentation, `<Name/>` for empty elements, text kept on the element's line, and values formatted
 * the libevtx way (GUIDs in braces, hex integers zero-padded, FILETIMEs with nine fraction digits).
 */

const MAX_ELEMENT_DEPTH = 512;

function escapeText(s: string): string {
  if (!/[&<>]/.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(s: string): string {
  if (!/[&<>"]/.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function padHex(n: number | string, width: number): string {
  const s = typeof n === 'number' ? n.toString(16) : n;
  return '0x' + (s.length >= width ? s : '0'.repeat(width - s.length) + s);
}

/** libevtx prints reals in C `%e` style with a three-digit exponent: `1.500000e+000`. */
function floatText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return 'Inf';
  const [mantissa, exponent] = v.toExponential(6).split('e') as [string, string];
  const sign = exponent.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exponent.replace(/^[-+]/, '').padStart(3, '0')}`;
}

/** Unescaped text of one scalar as libevtx prints it. */
export function xmlScalar(type: number, v: unknown): string {
  if (type & ArrayFlag && Array.isArray(v) && type < 0xf0) {
    const base = type & ~ArrayFlag;
    return v.map((x) => xmlScalar(base, x)).join(',');
  }
  switch (type) {
    case ValueType.Null:
      return '';
    case ValueType.Real32:
    case ValueType.Real64:
      return floatText(v as number);
    case ValueType.Bool:
      return v ? 'true' : 'false';
    case ValueType.Guid:
      return `{${v as string}}`;
    case ValueType.HexInt32:
      return padHex(v as number, 8);
    case ValueType.HexInt64:
      return '0x' + (v as Hex64).digits;
    case ValueType.FileTime:
      return xmlFileTime(v as FileTime);
    case ValueType.SystemTime:
      return xmlSystemTime(v as SystemTime);
    case Pseudo.CharRef:
      return String.fromCodePoint(v as number);
    default:
      return String(v);
  }
}

const INDENTS: string[] = [];

function indent(depth: number): string {
  return (INDENTS[depth] ??= '  '.repeat(depth));
}

const SLOW = Symbol('slow');
const DROP = Symbol('drop');

/**
 * Escaped text of a single content node without expanding it: undefined when empty, DROP when
 * libevtx would leave the element or attribute out, SLOW when the general path is needed.
 */
function singleText(node: Node, values: Values | null, escape: (s: string) => string): string | undefined | typeof SLOW | typeof DROP {
  if (node.kind === NodeKind.Text) return escape(node.text);
  if (node.kind !== NodeKind.Subst || !values || node.index >= values.types.length) return SLOW;
  const type = values.types[node.index]!;
  if (type === ValueType.BinXml || type & ArrayFlag) return SLOW;
  if (type === ValueType.Null) return node.optional ? DROP : undefined;
  return escape(xmlScalar(type, values.vals[node.index]));
}

export class XmlRenderer {
  private readonly x = new Expander();

  render(nodes: Node[]): string {
    this.x.reset();
    const entries: unknown[] = [];
    this.x.expand(nodes, null, entries);
    const out: string[] = [];
    for (let i = 0; i < entries.length; i += 3) {
      if (entries[i] === Entry.Element) this.element(entries[i + 1] as ElementNode, entries[i + 2] as Values | null, 0, out);
    }
    return out.join('');
  }

  /** Text of an expanded scalar run, escaped for element content. */
  private text(type: number, v: unknown): string {
    if (type === Pseudo.EntityRef) return `&${v as string};`;
    if (type === Pseudo.CharRef) return `&#${v as number};`;
    if (type === Pseudo.CData) return `<![CDATA[${v as string}]]>`;
    if (type === Pseudo.PI) return `<?${(v as PINode).target} ${(v as PINode).data}?>`;
    return escapeText(xmlScalar(type, v));
  }

  private attributes(el: ElementNode, values: Values | null): string {
    let open = '';
    for (const attr of el.attrs) {
      if (attr.value.length === 1) {
        const v = singleText(attr.value[0]!, values, escapeAttr);
        if (v !== SLOW) {
          if (v !== undefined && v !== DROP) open += ` ${attr.name}="${v}"`;
          continue;
        }
      }
      const entries: unknown[] = [];
      this.x.attrValue(attr, values, entries);
      let v = '';
      let any = false;
      let dropped = false;
      for (let i = 0; i < entries.length; i += 3) {
        if (entries[i] === Entry.EmptyOptional) dropped = true;
        const type = entries[i + 1] as number;
        if (type === ValueType.Null) continue;
        any = true;
        v += type === Pseudo.EntityRef ? `&${entries[i + 2] as string};` : escapeAttr(xmlScalar(type, entries[i + 2]));
      }
      if (any && !dropped) open += ` ${attr.name}="${v}"`;
    }
    return open;
  }

  private element(el: ElementNode, values: Values | null, depth: number, out: string[]): void {
    if (depth > MAX_ELEMENT_DEPTH) throw new BinXmlError('elements nested too deeply', 0);
    if (el.children.length <= 1) {
      // Fast path for `<X/>` and `<X>%n</X>`, most of any event.
      const text = el.children.length === 0 ? undefined : singleText(el.children[0]!, values, escapeText);
      if (text === DROP) return;
      if (text !== SLOW) {
        const open = `${indent(depth)}<${el.name}${this.attributes(el, values)}`;
        out.push(text === undefined || text === '' ? `${open}/>\n` : `${open}>${text}</${el.name}>\n`);
        return;
      }
    }
    const entries = this.x.children(el, values);
    let arrayAt = -1;
    for (let i = 0; i < entries.length; i += 3) {
      // libevtx leaves out an element whose content is an empty optional substitution.
      if (entries[i] === Entry.EmptyOptional) return;
      const type = entries[i + 1] as number;
      if (arrayAt < 0 && entries[i] === Entry.Scalar && type & ArrayFlag && type < 0xf0) arrayAt = i;
    }
    const attrs = this.attributes(el, values);
    if (arrayAt < 0) {
      this.body(el, attrs, entries, depth, out);
      return;
    }
    // An array value repeats its element once per item (MS-EVEN6 array expansion), as libevtx prints it.
    const items = entries[arrayAt + 2] as unknown[];
    const base = (entries[arrayAt + 1] as number) & ~ArrayFlag;
    for (const item of items) {
      entries[arrayAt + 1] = base;
      entries[arrayAt + 2] = item;
      this.body(el, attrs, entries, depth, out);
    }
  }

  private body(el: ElementNode, attrs: string, entries: unknown[], depth: number, out: string[]): void {
    const pad = indent(depth);
    const open = `${pad}<${el.name}${attrs}`;
    let hasElement = false;
    let text = '';
    for (let i = 0; i < entries.length; i += 3) {
      // libevtx lays out processing instructions like child elements, one per line.
      if (entries[i] === Entry.Element || entries[i + 1] === Pseudo.PI) hasElement = true;
      else text += this.text(entries[i + 1] as number, entries[i + 2]);
    }
    if (!hasElement) {
      out.push(text === '' ? `${open}/>\n` : `${open}>${text}</${el.name}>\n`);
      return;
    }
    out.push(`${open}>${text}\n`);
    for (let i = 0; i < entries.length; i += 3) {
      if (entries[i] === Entry.Element) this.element(entries[i + 1] as ElementNode, entries[i + 2] as Values | null, depth + 1, out);
      else if (entries[i + 1] === Pseudo.PI) out.push(`${pad}  ${this.text(Pseudo.PI, entries[i + 2])}\n`);
    }
    out.push(`${pad}</${el.name}>\n`);
  }
}
