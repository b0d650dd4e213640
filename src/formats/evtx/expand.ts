import { BinXmlError, MAX_DEPTH } from './binxml.js';
import { NodeKind, ValueType, type AttrNode, type ElementNode, type Node, type Values } from './model.js';

/**
 * Template instantiation shared by the JSON and XML renderers: walks a node list, replacing
 * substitutions by the instance's values and splicing nested BinXml and templates in place, so
 * a renderer sees an element's direct content as a flat list.
 *
 * Entries are stored flat, three slots each, to avoid an object per entry:
 *   [Entry.Element, ElementNode, Values | null] or [Entry.Scalar, type, value].
 * An optional substitution whose value has the Null type becomes [Entry.EmptyOptional, type,
 * value]: libevtx then leaves out the enclosing attribute or element, while in the Rust JSON the
 * element stays, as null.
 */
export const Entry = { Element: 1, Scalar: 2, EmptyOptional: 3 } as const;

/** Pseudo value types for content that is not a substitution value. */
export const Pseudo = { CharRef: 0xf1, EntityRef: 0xf2, CData: 0xf3, PI: 0xf4 } as const;

/** Upper bound on entries expanded for one record (real records use well under 100): stops exponential
 * template/value fan-out in hostile files early. */
export const RECORD_ENTRY_BUDGET = 100_000;

export class Expander {
  private budget = RECORD_ENTRY_BUDGET;

  reset(): void {
    this.budget = RECORD_ENTRY_BUDGET;
  }

  /** Appends the expanded content of `nodes` to `out`. */
  expand(nodes: Node[], values: Values | null, out: unknown[], depth = 0): void {
    if (depth > MAX_DEPTH) throw new BinXmlError('nested BinXML values too deep', 0);
    this.budget -= nodes.length;
    if (this.budget < 0) throw new BinXmlError('record expands to too many nodes', 0);
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      switch (node.kind) {
        case NodeKind.Element:
          out.push(Entry.Element, node, values);
          break;
        case NodeKind.Text:
          out.push(Entry.Scalar, ValueType.String, node.text);
          break;
        case NodeKind.Value:
          out.push(Entry.Scalar, node.type, node.value);
          break;
        case NodeKind.Subst: {
          if (!values || node.index >= values.types.length) {
            // A substitution without a value renders as an empty value.
            out.push(node.optional ? Entry.EmptyOptional : Entry.Scalar, ValueType.Null, null);
            break;
          }
          const type = values.types[node.index]!;
          const value = values.vals[node.index];
          if (type === ValueType.BinXml) this.expand(value as Node[], null, out, depth + 1);
          else out.push(node.optional && type === ValueType.Null ? Entry.EmptyOptional : Entry.Scalar, type, value);
          break;
        }
        case NodeKind.Template:
          this.expand(node.template.nodes, node.values, out, depth + 1);
          break;
        case NodeKind.CharRef:
          out.push(Entry.Scalar, Pseudo.CharRef, node.code);
          break;
        case NodeKind.EntityRef:
          out.push(Entry.Scalar, Pseudo.EntityRef, node.name);
          break;
        case NodeKind.CData:
          out.push(Entry.Scalar, Pseudo.CData, node.text);
          break;
        case NodeKind.PI:
          out.push(Entry.Scalar, Pseudo.PI, node);
          break;
      }
    }
  }

  /** Expanded attribute value: scalars only (an element inside an attribute value is ignored). */
  attrValue(attr: AttrNode, values: Values | null, out: unknown[]): void {
    this.expand(attr.value, values, out, 0);
  }

  /** Convenience for renderers: the element's attributes and content, expanded. */
  children(el: ElementNode, values: Values | null): unknown[] {
    const out: unknown[] = [];
    this.expand(el.children, values, out, 0);
    return out;
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Character an entity reference stands for, or the reference itself when it is not a predefined XML entity. */
export function resolveEntity(name: string): string {
  return Object.hasOwn(ENTITIES, name) ? ENTITIES[name]! : `&${name};`;
}
