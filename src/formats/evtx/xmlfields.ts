/**
 * Flattens XML text as printed by `evtxexport -f xml` (and by our `toXml`) into comparable
 * fields: one `path = value` pair per attribute and per text node, e.g.
 *   Event/System[0]/Provider[0]/@Name = Microsoft-Windows-Sysmon
 *   Event/EventData[0]/Data[3] = 744
 * Sibling indexes are per element name. Entities and character references are decoded, so only
 * meaning is compared, not layout (indentation, `<a/>` vs `<a></a>`, entity spelling).
 * This is a reader for that output, not a general XML parser: no DTDs, no namespaces prefixes.
 */

export interface XmlField {
  path: string;
  value: string;
}

const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g;

function decode(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(ENTITY, (m, e: string) => {
    if (e === 'amp') return '&';
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

interface Frame {
  path: string;
  counts: Map<string, number>;
  text: string;
  hasChild: boolean;
}

/**
 * Splits a stream of top-level elements into records, each a list of fields. Whitespace-only
 * text around child elements is layout and ignored; text of leaf elements is kept verbatim.
 */
export function xmlRecords(xml: string): XmlField[][] {
  const records: XmlField[][] = [];
  let fields: XmlField[] = [];
  const stack: Frame[] = [];
  let i = 0;
  const n = xml.length;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (stack.length > 0 && textEnd > i) stack[stack.length - 1]!.text += xml.slice(i, textEnd);
    if (lt < 0) break;
    if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt);
      const stop = end < 0 ? n : end;
      if (stack.length > 0) stack[stack.length - 1]!.text += xml.slice(lt + 9, stop).replace(/&/g, '&amp;').replace(/</g, '&lt;');
      i = stop + 3;
      continue;
    }
    const gt = xml.indexOf('>', lt);
    if (gt < 0) break;
    const tag = xml.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('?') || tag.startsWith('!')) continue;
    if (tag.startsWith('/')) {
      const frame = stack.pop();
      if (!frame) continue;
      if (!frame.hasChild || frame.text.trim() !== '') fields.push({ path: frame.path, value: decode(frame.hasChild ? frame.text.trim() : frame.text) });
      if (stack.length === 0) {
        records.push(fields);
        fields = [];
      }
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const nameEnd = body.search(/\s|$/);
    const name = body.slice(0, nameEnd);
    const parent = stack[stack.length - 1];
    let path = name;
    if (parent) {
      parent.hasChild = true;
      const index = parent.counts.get(name) ?? 0;
      parent.counts.set(name, index + 1);
      path = `${parent.path}/${name}[${index}]`;
    }
    const attrRe = /([^\s=]+)="([^"]*)"/g;
    let m: RegExpExecArray | null;
    const attrs = body.slice(nameEnd);
    while ((m = attrRe.exec(attrs)) !== null) fields.push({ path: `${path}/@${m[1]!}`, value: decode(m[2]!) });
    if (selfClosing) {
      fields.push({ path, value: '' });
      if (!parent) {
        records.push(fields);
        fields = [];
      }
      continue;
    }
    stack.push({ path, counts: new Map(), text: '', hasChild: false });
  }
  return records;
}
