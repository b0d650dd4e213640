/**
 * A cheap estimate of an input's size in bytes, for the queue's byte bound. JSON inputs arrive already
 * parsed: the length of their text when the receiver kept it, else their size is estimated from the object (string lengths plus a little per key and value)
 * instead of serializing it again. Bounded work: the walk stops after MAX_NODES values.
 */
import type { ProfileInput } from '../formats/profiles/types.js';

const MAX_NODES = 10_000;
/** Each value costs at least this much in the JSON text (quotes, colon, comma). */
const PER_VALUE = 4;

function objectBytes(root: unknown): number {
  let bytes = 0;
  let nodes = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0 && nodes < MAX_NODES) {
    const v = stack.pop();
    nodes++;
    if (typeof v === 'string') bytes += v.length + PER_VALUE;
    else if (v === null || typeof v !== 'object') bytes += 8;
    else if (Array.isArray(v)) {
      bytes += 2;
      for (const x of v) stack.push(x);
    } else {
      bytes += 2;
      for (const k in v) {
        bytes += k.length + PER_VALUE;
        stack.push((v as Record<string, unknown>)[k]);
      }
    }
  }
  // Whatever the walk did not reach is counted at the per-value minimum.
  return bytes + stack.length * PER_VALUE;
}

export function estimateBytes(input: ProfileInput): number {
  switch (input.kind) {
    case 'text': return input.text.length;
    case 'syslog': return input.text?.length ?? objectBytes(input.record);
    case 'json': return input.json?.length ?? objectBytes(input.value);
  }
}
