/**
 * Aho-Corasick automaton over UTF-16 code units: finds every registered literal in one linear pass,
 * so thousands of rule literals cost one scan of a field instead of one substring search each.
 * The trie is built from the literals in sorted order, so a node's children are created in
 * character order and each literal only extends the path it shares with the previous one: no edge
 * map, no per-node sort. It is then frozen into flat typed arrays (sorted transitions per state) so the scan does no hashing.
 *
 * The states nearest the root (where a scan of text that holds no literal spends nearly all its time)
 * also get a full DFA row for ASCII with the failure links already followed: one table load per
 * character. They are a prefix of the breadth-first order, so a state's failure target, always
 * shallower, has a row whenever the state has one. Deeper states keep the sparse transitions.
 *
 * A caseless automaton finds its (lower-cased) literals in `text.toLowerCase()` without building that
 * string: its rows map A-Z like a-z, and ASCII text is scanned as bytes written by TextEncoder (a
 * native copy), which avoids a charCodeAt per character. Text with any non-ASCII character (whose
 * lower case is not a per-character ASCII rule) is lower-cased and scanned as before.
 */
export class AhoCorasick {
  private pending: { literals: string[]; ids: number[] } | undefined = { literals: [], ids: [] };
  private fail: Int32Array = new Int32Array(1);
  private offsets: Int32Array = new Int32Array(2);
  private chars: Uint16Array = new Uint16Array(0);
  private targets: Int32Array = new Int32Array(0);
  private outputs: (number[] | undefined)[] = [];
  private states = 1;
  /** state -> offset of its dense row in `delta`, or -1 for a state without one. */
  private rowOf: Int32Array = new Int32Array(1).fill(0);
  private stateOfRow: Int32Array = new Int32Array(1);
  /** Dense rows: next state encoded for the scan loop (see buildDenseRows). */
  private delta: Int32Array = new Int32Array(128);

  constructor(private readonly options: { caseless?: boolean } = {}) {}

  /** Registers a literal with an id reported on every occurrence. */
  add(literal: string, id: number): void {
    if (!this.pending) throw new Error('AhoCorasick.add after build');
    this.pending.literals.push(this.options.caseless ? literal.toLowerCase() : literal);
    this.pending.ids.push(id);
  }

  build(): this {
    if (!this.pending) return this;
    const { literals, ids } = this.pending;
    // Code-unit order (what < compares), ties in insertion order so equal literals report ids as added.
    const order = literals.map((_, i) => i).sort((x, y) => (literals[x]! < literals[y]! ? -1 : literals[x]! > literals[y]! ? 1 : x - y));
    const parent: number[] = [0];
    const label: number[] = [0];
    const outputs: (number[] | undefined)[] = [undefined];
    const path: number[] = [0];
    let prev = '';
    for (const i of order) {
      const literal = literals[i]!;
      let common = 0;
      const max = Math.min(prev.length, literal.length);
      while (common < max && prev.charCodeAt(common) === literal.charCodeAt(common)) common++;
      for (let d = common; d < literal.length; d++) {
        const next = parent.length;
        parent.push(path[d]!);
        label.push(literal.charCodeAt(d));
        outputs.push(undefined);
        path[d + 1] = next;
      }
      (outputs[path[literal.length]!] ??= []).push(ids[i]!);
      prev = literal;
    }
    const n = parent.length;
    // Children of each state as one run of (char, target): a stable counting sort by parent keeps
    // creation order, which is character order.
    const offsets = new Int32Array(n + 1);
    for (let i = 1; i < n; i++) offsets[parent[i]! + 1]!++;
    for (let s = 0; s < n; s++) offsets[s + 1]! += offsets[s]!;
    const fill = offsets.slice(0, n);
    const chars = new Uint16Array(Math.max(0, n - 1));
    const targets = new Int32Array(Math.max(0, n - 1));
    for (let i = 1; i < n; i++) {
      const k = fill[parent[i]!]!++;
      chars[k] = label[i]!;
      targets[k] = i;
    }
    this.offsets = offsets;
    this.chars = chars;
    this.targets = targets;
    const fail = new Int32Array(n);
    const queue: number[] = [];
    for (let k = offsets[0]!; k < offsets[1]!; k++) queue.push(targets[k]!);
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      for (let k = offsets[s]!; k < offsets[s + 1]!; k++) {
        const c = chars[k]!;
        const next = targets[k]!;
        queue.push(next);
        let f = fail[s]!;
        while (f !== 0 && this.step(f, c) < 0) f = fail[f]!;
        const target = this.step(f, c);
        fail[next] = target >= 0 && target !== next ? target : 0;
        const inherited = outputs[fail[next]!];
        if (inherited) outputs[next] = [...(outputs[next] ?? []), ...inherited];
      }
    }
    this.fail = fail;
    this.outputs = outputs;
    this.states = n;
    this.buildDenseRows(queue);
    this.pending = undefined;
    return this;
  }

  /**
   * Dense ASCII rows for the root and the first states in breadth-first order (`bfs` excludes the root).
   * An entry is the next state's row offset when that state has a row and reports nothing, else
   * -(state + 1): the scan leaves its one-load loop only to report a literal or to go deeper.
   */
  private buildDenseRows(bfs: number[]): void {
    const n = this.states;
    const rows = Math.min(n, DENSE_ROWS);
    const rowOf = new Int32Array(n).fill(-1);
    const stateOfRow = new Int32Array(rows);
    rowOf[0] = 0;
    for (let k = 0; k + 1 < rows; k++) {
      rowOf[bfs[k]!] = (k + 1) * 128;
      stateOfRow[k + 1] = bfs[k]!;
    }
    const { offsets, chars, targets, fail, outputs } = this;
    const encode = (t: number) => (rowOf[t]! >= 0 && outputs[t] === undefined ? rowOf[t]! : -(t + 1));
    // Full transitions by state id first (a row copies its failure state's row, then its own edges).
    const next = new Int32Array(rows * 128);
    for (let r = 0; r < rows; r++) {
      const s = stateOfRow[r]!;
      const row = r * 128;
      if (s !== 0) {
        const from = rowOf[fail[s]!]!;
        next.copyWithin(row, from, from + 128);
      }
      for (let j = offsets[s]!; j < offsets[s + 1]!; j++) if (chars[j]! < 128) next[row + chars[j]!] = targets[j]!;
      // Lower-cased literals hold no A-Z, so an upper-case letter can only go where its lower case goes.
      if (this.options.caseless) next.copyWithin(row + 65, row + 97, row + 123);
    }
    // Encoded in place once every row is complete (rows copy their failure state's row unencoded).
    for (let k = 0; k < next.length; k++) next[k] = encode(next[k]!);
    this.rowOf = rowOf;
    this.stateOfRow = stateOfRow;
    this.delta = next;
  }

  get size(): number {
    this.build();
    return this.states;
  }

  private step(s: number, c: number): number {
    const start = this.offsets[s]!;
    const end = this.offsets[s + 1]!;
    const chars = this.chars;
    if (end - start <= 8) {
      for (let k = start; k < end; k++) if (chars[k] === c) return this.targets[k]!;
      return -1;
    }
    let lo = start;
    let hi = end - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = chars[mid]!;
      if (v === c) return this.targets[mid]!;
      if (v < c) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /**
   * Calls `found` with the id of every literal occurring in `text` (in `text.toLowerCase()` for a
   * caseless automaton); ids may repeat, first occurrences come in text order. `found` must not
   * search. Builds the automaton on first use.
   */
  search(text: string, found: (id: number) => void): void {
    if (this.pending) this.build();
    if (!this.options.caseless) {
      this.scanChars(text, found);
      return;
    }
    if (text.length >= BYTE_SCAN_MIN && text.length <= BYTE_SCAN_MAX) {
      if (scratch.length < text.length) scratch = new Uint8Array(Math.max(text.length, scratch.length * 2));
      const { read, written } = encoder.encodeInto(text, scratch);
      if (read === text.length && written === text.length) this.scanBytes(scratch, written, found);
      else this.scanChars(text.toLowerCase(), found);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) >= 128) {
        this.scanChars(text.toLowerCase(), found);
        return;
      }
    }
    this.scanChars(text, found);
  }

  /** ASCII bytes (a caseless automaton's rows fold A-Z). */
  private scanBytes(bytes: Uint8Array, length: number, found: (id: number) => void): void {
    const delta = this.delta;
    const rowOf = this.rowOf;
    const outputs = this.outputs;
    let cur = 0;
    for (let i = 0; i < length; i++) {
      let s: number;
      if (cur >= 0) {
        cur = delta[cur + bytes[i]!]!;
        if (cur >= 0) continue;
        s = -cur - 1;
      } else s = this.transition(-cur - 1, bytes[i]!);
      const out = outputs[s];
      if (out !== undefined) for (let k = 0; k < out.length; k++) found(out[k]!);
      const row = rowOf[s]!;
      cur = row >= 0 ? row : -s - 1;
    }
  }

  private scanChars(text: string, found: (id: number) => void): void {
    const delta = this.delta;
    const rowOf = this.rowOf;
    const outputs = this.outputs;
    // `cur` >= 0: the row offset of a state with a row; < 0: -(state + 1) of any state.
    let cur = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let s: number;
      if (c < 128 && cur >= 0) {
        cur = delta[cur + c]!;
        if (cur >= 0) continue;
        s = -cur - 1;
      } else s = this.transition(cur >= 0 ? this.stateOfRow[cur >> 7]! : -cur - 1, c);
      const out = outputs[s];
      if (out !== undefined) for (let k = 0; k < out.length; k++) found(out[k]!);
      const row = rowOf[s]!;
      cur = row >= 0 ? row : -s - 1;
    }
  }

  /** The state after `c` from state `s`, following failure links (the slow path: deep states, non-ASCII). */
  private transition(s: number, c: number): number {
    const fail = this.fail;
    if (this.options.caseless && c >= 65 && c <= 90) c |= 32;
    for (;;) {
      if (c < 128) {
        const row = this.rowOf[s]!;
        if (row >= 0) {
          const v = this.delta[row + c]!;
          return v >= 0 ? this.stateOfRow[v >> 7]! : -v - 1;
        }
      }
      const t = this.step(s, c);
      if (t >= 0) return t;
      if (s === 0) return 0;
      s = fail[s]!;
    }
  }
}

const encoder = new TextEncoder();
let scratch = new Uint8Array(4096);
/** Shorter text is cheaper to walk with charCodeAt than to copy first; longer text is scanned in place of its lower case. */
const BYTE_SCAN_MIN = 24;
const BYTE_SCAN_MAX = 1 << 20;

/** Dense rows per automaton: 2048 x 128 entries (1 MiB at most) cover the first levels of the trie. */
const DENSE_ROWS = 2048;
