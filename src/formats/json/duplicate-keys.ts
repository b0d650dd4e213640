/**
 * Does JSON text repeat a key inside one object? JSON.parse keeps the last of repeated keys and SQLite's
 * json_extract the first, so text with repeats must not be stored as an event's JSON as it is: detection
 * and hunting would read different values. Both counts are linear and allocate no strings.
 */

/** Object keys in valid JSON text: every string followed (after whitespace) by ':' is a key. */
export function countKeysInText(text: string): number {
  let keys = 0;
  const n = text.length;
  // indexOf finds the quotes natively; only backslashes before a quote are looked at.
  let open = text.indexOf('"');
  while (open !== -1) {
    let close = open;
    for (;;) {
      close = text.indexOf('"', close + 1);
      if (close === -1) return keys;
      let slashes = 0;
      while (text.charCodeAt(close - 1 - slashes) === 0x5c) slashes++;
      if ((slashes & 1) === 0) break;
    }
    let j = close + 1;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      j++;
    }
    if (text.charCodeAt(j) === 0x3a) keys++; // ':'
    open = text.indexOf('"', close + 1);
  }
  return keys;
}

/** Own keys of every object in a parsed JSON value (iterative: no recursion limit to hit). */
export function countKeysInValue(value: unknown): number {
  let keys = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const x of v) if (x !== null && typeof x === 'object') stack.push(x);
      continue;
    }
    const own = Object.keys(v);
    keys += own.length;
    for (const k of own) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== null && typeof x === 'object') stack.push(x);
    }
  }
  return keys;
}

/** True when `text` (which JSON.parse turned into `parsed`) repeats a key in some object. */
export function hasDuplicateKeys(text: string, parsed: unknown): boolean {
  return countKeysInText(text) !== countKeysInValue(parsed);
}
