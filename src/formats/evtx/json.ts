import { BinXmlError } from './binxml.js';
import { Entry, Expander, Pseudo, resolveEntity } from './expand.js';
import { ArrayFlag, FileTime, Hex64, NodeKind, SystemTime, ValueType, type AttrNode, type ElementNode, type Node, type Values } from './model.js';
import { jsonFileTime, jsonSystemTime } from './time.js';

/**
 * Renders a record to the JSON layout of the Rust `evtx` crate (`evtx_dump -o json`), which is
 * what the Sigma regression corpus and most EVTX tooling use:
 * - each element is a key; an element with only text becomes that value (typed: integers as
 *   numbers, booleans as booleans), an empty element becomes null;
 * - attributes go under `#attributes` (attributes without a value are dropped), and text of an
 *   element that also has attributes or child elements goes under `#text`;
 * - `<Data Name="X">v</Data>` becomes `X: v`; unnamed `Data` elements gather under
 *   `Data.#text` (one value, or an array when there are several);
 * - a repeated element name gets `_1`, `_2`, ... suffixes in document order;
 * - values: GUIDs uppercase without braces, hex integers `0x` + lowercase digits without padding,
 *   binary as uppercase hex, FILETIME as ISO 8601 with six fraction digits (truncated), arrays as
 *   JSON arrays, a Null value as null; processing instructions are left out.
 * Deliberate differences: 64-bit integers beyond 2^53 are exact decimal strings (a JS number would
 * silently change them), and character references are resolved to the character.
 */

const MAX_ELEMENT_DEPTH = 512;

function shortestFloat32(v: number): number {
  for (let p = 1; p < 10; p++) {
    const candidate = Number(v.toPrecision(p));
    if (Math.fround(candidate) === v) return candidate;
  }
  return v;
}

function hexTrim(digits: string): string {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  return '0x' + digits.slice(i);
}

/** JSON value of one scalar of `type`. */
export function jsonScalar(type: number, v: unknown): unknown {
  if (type & ArrayFlag && Array.isArray(v) && type < 0xf0) {
    const base = type & ~ArrayFlag;
    return v.map((x) => jsonScalar(base, x));
  }
  switch (type) {
    case ValueType.Null:
      return null;
    case ValueType.Int8:
    case ValueType.UInt8:
    case ValueType.Int16:
    case ValueType.UInt16:
    case ValueType.Int32:
    case ValueType.UInt32:
    case ValueType.Int64:
    case ValueType.UInt64:
    case ValueType.EvtHandle:
    case ValueType.SizeT:
      return typeof v === 'bigint' ? v.toString() : v;
    case ValueType.Real32:
      return Number.isFinite(v) ? shortestFloat32(v as number) : null;
    case ValueType.Real64:
      return Number.isFinite(v) ? v : null;
    case ValueType.Bool:
      return v;
    case ValueType.HexInt32:
      return '0x' + (v as number).toString(16);
    case ValueType.HexInt64:
      return hexTrim((v as Hex64).digits);
    case ValueType.FileTime:
      return jsonFileTime(v as FileTime);
    case ValueType.SystemTime:
      return jsonSystemTime(v as SystemTime);
    case Pseudo.CharRef:
      return String.fromCodePoint(v as number);
    case Pseudo.EntityRef:
      return resolveEntity(v as string);
    case Pseudo.PI:
      return '';
    default:
      return v; // strings, binary (hex), GUID, SID, CDATA
  }
}

function textOf(type: number, v: unknown): string {
  const j = jsonScalar(type, v);
  if (j === null) return '';
  return Array.isArray(j) ? j.join(',') : String(j);
}

/** Value of a run of scalars: a single one keeps its type, several are concatenated as text. */
function scalarsValue(entries: unknown[]): unknown {
  let first = -1;
  let count = 0;
  for (let i = 0; i < entries.length; i += 3) {
    if (entries[i] === Entry.Element) continue;
    const type = entries[i + 1] as number;
    if (type === ValueType.Null || type === Pseudo.PI) continue;
    if (count === 0) first = i;
    count++;
  }
  if (count === 0) return undefined;
  if (count === 1) return jsonScalar(entries[first + 1] as number, entries[first + 2]);
  let s = '';
  for (let i = 0; i < entries.length; i += 3) {
    if (entries[i] !== Entry.Element) s += textOf(entries[i + 1] as number, entries[i + 2]);
  }
  return s;
}

function put(obj: Record<string, unknown>, key: string, value: unknown): void {
  let k = key;
  // obj[k] is undefined for new keys except inherited ones ("constructor"), hence the second test.
  if (obj[k] !== undefined && Object.hasOwn(obj, k)) {
    let n = 1;
    while (Object.hasOwn(obj, `${key}_${n}`)) n++;
    k = `${key}_${n}`;
  }
  // A plain assignment to "__proto__" would replace the prototype instead of adding a key.
  if (k === '__proto__') Object.defineProperty(obj, k, { value, enumerable: true, writable: true, configurable: true });
  else obj[k] = value;
}

/** Marks "no fast answer, expand the general way". */
const SLOW = Symbol('slow');

/**
 * Value of a single-node content list without expanding it, for the shapes nearly every event
 * uses (`<X>%n</X>`, `Name="literal"`); SLOW otherwise, undefined when the content is empty.
 */
function single(node: Node, values: Values | null): unknown {
  if (node.kind === NodeKind.Text) return node.text;
  if (node.kind !== NodeKind.Subst || !values || node.index >= values.types.length) return SLOW;
  const type = values.types[node.index]!;
  if (type === ValueType.BinXml) return SLOW;
  return type === ValueType.Null ? undefined : jsonScalar(type, values.vals[node.index]);
}

export class JsonRenderer {
  private readonly x = new Expander();

  /** The event object, `{ Event: { System: ..., EventData: ... } }`. */
  render(nodes: Node[]): Record<string, unknown> {
    this.x.reset();
    const entries: unknown[] = [];
    this.x.expand(nodes, null, entries);
    const root: Record<string, unknown> = {};
    this.addElements(root, entries, 0);
    return root;
  }

  private attrValue(attr: AttrNode, values: Values | null): unknown {
    if (attr.value.length === 1) {
      const v = single(attr.value[0]!, values);
      if (v !== SLOW) return v;
    }
    const entries: unknown[] = [];
    this.x.attrValue(attr, values, entries);
    return scalarsValue(entries);
  }

  private attributes(el: ElementNode, values: Values | null): Record<string, unknown> | undefined {
    let attrs: Record<string, unknown> | undefined;
    for (const attr of el.attrs) {
      const v = this.attrValue(attr, values);
      if (v !== undefined && v !== null) put((attrs ??= {}), attr.name, v);
    }
    return attrs;
  }

  private value(el: ElementNode, values: Values | null, depth: number, withAttributes: boolean): unknown {
    if (depth > MAX_ELEMENT_DEPTH) throw new BinXmlError('elements nested too deeply', 0);
    const attrs = withAttributes && el.attrs.length > 0 ? this.attributes(el, values) : undefined;
    const children = el.children;
    if (!attrs && children.length <= 1) {
      if (children.length === 0) return null;
      const v = single(children[0]!, values);
      if (v !== SLOW) return v === undefined ? null : v;
    }
    const entries = this.x.children(el, values);
    let hasElement = false;
    for (let i = 0; i < entries.length; i += 3) {
      if (entries[i] === Entry.Element) {
        hasElement = true;
        break;
      }
    }
    const text = scalarsValue(entries);
    if (!attrs && !hasElement) return text === undefined ? null : text;
    const obj: Record<string, unknown> = {};
    if (attrs) obj['#attributes'] = attrs;
    if (text !== undefined) obj['#text'] = text;
    if (hasElement) this.addElements(obj, entries, depth + 1);
    return obj;
  }

  private addElements(obj: Record<string, unknown>, entries: unknown[], depth: number): void {
    let unnamedData: unknown[] | undefined;
    for (let i = 0; i < entries.length; i += 3) {
      if (entries[i] !== Entry.Element) continue;
      const el = entries[i + 1] as ElementNode;
      const values = entries[i + 2] as Values | null;
      if (el.name === 'Data') {
        const name = this.dataName(el, values);
        const v = this.value(el, values, depth, false);
        if (name) put(obj, name, v);
        else (unnamedData ??= []).push(v);
        continue;
      }
      put(obj, el.name, this.value(el, values, depth, true));
    }
    if (unnamedData) put(obj, 'Data', { '#text': unnamedData.length === 1 ? unnamedData[0] : unnamedData });
  }

  private dataName(el: ElementNode, values: Values | null): string {
    for (const attr of el.attrs) {
      if (attr.name !== 'Name') continue;
      const v = this.attrValue(attr, values);
      return v === undefined || v === null ? '' : String(v);
    }
    return '';
  }
}
