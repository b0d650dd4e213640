/**
 * In-memory model of parsed BinXML. A template's structure is parsed once per chunk into these
 * nodes; each record only decodes its substitution values and points at the shared structure.
 */

/** BinXML token bytes (MS-EVEN6 2.2.12), without the 0x40 "more data" flag. */
export const Token = {
  EndOfStream: 0x00,
  OpenStartElement: 0x01,
  CloseStartElement: 0x02,
  CloseEmptyElement: 0x03,
  EndElement: 0x04,
  Value: 0x05,
  Attribute: 0x06,
  CData: 0x07,
  CharRef: 0x08,
  EntityRef: 0x09,
  PITarget: 0x0a,
  PIData: 0x0b,
  TemplateInstance: 0x0c,
  NormalSubstitution: 0x0d,
  OptionalSubstitution: 0x0e,
  FragmentHeader: 0x0f,
} as const;

/** Substitution value types (MS-EVEN6 2.2.13); `| ArrayFlag` makes an array of that type. */
export const ValueType = {
  Null: 0x00,
  String: 0x01,
  AnsiString: 0x02,
  Int8: 0x03,
  UInt8: 0x04,
  Int16: 0x05,
  UInt16: 0x06,
  Int32: 0x07,
  UInt32: 0x08,
  Int64: 0x09,
  UInt64: 0x0a,
  Real32: 0x0b,
  Real64: 0x0c,
  Bool: 0x0d,
  Binary: 0x0e,
  Guid: 0x0f,
  SizeT: 0x10,
  FileTime: 0x11,
  SystemTime: 0x12,
  Sid: 0x13,
  HexInt32: 0x14,
  HexInt64: 0x15,
  EvtHandle: 0x20,
  BinXml: 0x21,
  EvtXml: 0x23,
} as const;

export const ArrayFlag = 0x80;

export const NodeKind = {
  Element: 1,
  Text: 2,
  Value: 3,
  Subst: 4,
  CharRef: 5,
  EntityRef: 6,
  CData: 7,
  PI: 8,
  Template: 9,
} as const;

export interface ElementNode {
  kind: typeof NodeKind.Element;
  name: string;
  attrs: AttrNode[];
  children: Node[];
}

export interface AttrNode {
  name: string;
  value: Node[];
}

/** Literal text from a Value token of string type. */
export interface TextNode {
  kind: typeof NodeKind.Text;
  text: string;
}

/** A Value token of a non-string type (rare in templates, but legal). */
export interface ValueNode {
  kind: typeof NodeKind.Value;
  type: number;
  value: unknown;
}

export interface SubstNode {
  kind: typeof NodeKind.Subst;
  index: number;
  /** Type declared by the template; the instance's own descriptor type wins when rendering. */
  type: number;
  optional: boolean;
}

export interface CharRefNode {
  kind: typeof NodeKind.CharRef;
  code: number;
}

export interface EntityRefNode {
  kind: typeof NodeKind.EntityRef;
  name: string;
}

export interface CDataNode {
  kind: typeof NodeKind.CData;
  text: string;
}

export interface PINode {
  kind: typeof NodeKind.PI;
  target: string;
  data: string;
}

/** A template applied to one record's substitution values. */
export interface TemplateNode {
  kind: typeof NodeKind.Template;
  template: Template;
  values: Values;
}

export type Node = ElementNode | TextNode | ValueNode | SubstNode | CharRefNode | EntityRefNode | CDataNode | PINode | TemplateNode;

export interface Template {
  /** Chunk-relative offset of the template definition. */
  offset: number;
  /** Template GUID, uppercase, without braces. */
  guid: string;
  nodes: Node[];
}

/**
 * Decoded substitution values of one template instance. `vals[i]` is a plain JS value whose
 * meaning depends on `types[i]` (see values.ts); for BinXml it is the parsed nested `Node[]`.
 */
export interface Values {
  types: Uint8Array;
  /** Byte sizes from the value descriptors. */
  sizes: Uint16Array;
  vals: unknown[];
}

/** FILETIME kept as two 32-bit halves so no precision is lost before formatting. */
export class FileTime {
  constructor(readonly lo: number, readonly hi: number) {}
}

/** SYSTEMTIME fields as stored (year, month, dayOfWeek, day, hour, minute, second, milliseconds). */
export class SystemTime {
  constructor(readonly fields: Uint16Array) {}
}

/** A 64-bit hex value kept as 16 lowercase zero-padded hex digits; the renderers trim or keep the padding. */
export class Hex64 {
  constructor(readonly digits: string) {}
}
