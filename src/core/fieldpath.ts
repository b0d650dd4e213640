import type { EventObject } from './event.js';

/**
 * Reads a dotted field path from an event. A key that itself contains dots (`winlog.event_data` as one
 * flat key, or ECS documents written flat) wins over nested traversal, so both shapes resolve.
 */
export function getPath(event: EventObject, path: string): unknown {
  if (Object.prototype.hasOwnProperty.call(event, path)) return event[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  let current: unknown = event;
  let rest = path;
  while (current !== null && typeof current === 'object' && !Array.isArray(current)) {
    const obj = current as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(obj, rest)) return obj[rest];
    let found = false;
    // Try the longest prefix that exists as a key, so keys with dots still resolve.
    for (let i = rest.indexOf('.'); i >= 0; i = rest.indexOf('.', i + 1)) {
      const head = rest.slice(0, i);
      if (Object.prototype.hasOwnProperty.call(obj, head)) {
        current = obj[head];
        rest = rest.slice(i + 1);
        found = true;
        break;
      }
    }
    if (!found) return undefined;
  }
  return undefined;
}

/**
 * Compiles a dotted path into an accessor for hot paths: segments are split and the dotted key
 * combinations precomputed once. Nested keys are tried first at each level, then keys that themselves
 * contain dots (`{"a": {"b.c": 1}}` and flat `{"a.b": 1}` both resolve).
 */
export function compilePath(path: string): (event: EventObject) => unknown {
  const parts = path.split('.');
  if (parts.length === 1) return (event) => event[path];
  // joined[i][j]: parts i..j joined with dots.
  const joined = parts.map((_, i) => parts.map((__, j) => (j > i ? parts.slice(i, j + 1).join('.') : '')));
  const walk = (node: unknown, i: number): unknown => {
    let current = node;
    for (; i < parts.length; i++) {
      if (current === null || typeof current !== 'object') return undefined;
      const obj = current as Record<string, unknown>;
      const next = obj[parts[i]!];
      if (next !== undefined) {
        current = next;
        continue;
      }
      for (let j = i + 1; j < parts.length; j++) {
        const key = joined[i]![j]!;
        if (key in obj) return walk(obj[key], j + 1);
      }
      return undefined;
    }
    return current;
  };
  return (event) => walk(event, 0);
}
