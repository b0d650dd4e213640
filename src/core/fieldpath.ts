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

/** Splits a path into segments once, for hot paths that resolve the same path many times. */
export function compilePath(path: string): (event: EventObject) => unknown {
  if (!path.includes('.')) return (event) => event[path];
  const parts = path.split('.');
  return (event) => {
    let current: unknown = event;
    for (const part of parts) {
      if (current === null || typeof current !== 'object') return getPath(event, path);
      current = (current as Record<string, unknown>)[part];
      if (current === undefined) return getPath(event, path);
    }
    return current;
  };
}
