/**
 * Aho-Corasick automaton over UTF-16 code units: finds every registered literal in one linear pass,
 * so thousands of rule literals cost one scan of a field instead of one substring search each.
 * The trie is built from the literals in sorted order, so a node's children are created in
 * character order and each literal only extends the path it shares with the previous one: no edge
 * map, no per-node sort. It is then frozen into flat typed arrays (sorted transitions per state, a
 * direct table for ASCII at the root) so the scan does no hashing.
 */
export class AhoCorasick {
  private pending: { literals: string[]; ids: number[] } | undefined = { literals: [], ids: [] };
  private fail: Int32Array = new Int32Array(1);
  private offsets: Int32Array = new Int32Array(2);
  private chars: Uint16Array = new Uint16Array(0);
  private targets: Int32Array = new Int32Array(0);
  private rootAscii: Int32Array = new Int32Array(128);
  private outputs: (number[] | undefined)[] = [];
  private states = 1;

  /** Registers a literal with an id reported on every occurrence. */
  add(literal: string, id: number): void {
    if (!this.pending) throw new Error('AhoCorasick.add after build');
    this.pending.literals.push(literal);
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
    for (let k = offsets[0]!; k < offsets[1]!; k++) if (chars[k]! < 128) this.rootAscii[chars[k]!] = targets[k]!;
    this.fail = fail;
    this.outputs = outputs;
    this.states = n;
    this.pending = undefined;
    return this;
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

  /** Calls `found` with the id of every literal occurring in `text` (ids may repeat); builds the automaton on first use. */
  search(text: string, found: (id: number) => void): void {
    if (this.pending) this.build();
    const fail = this.fail;
    const outputs = this.outputs;
    const rootAscii = this.rootAscii;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      for (;;) {
        if (s === 0) {
          s = c < 128 ? rootAscii[c]! : Math.max(0, this.step(0, c));
          break;
        }
        const t = this.step(s, c);
        if (t >= 0) {
          s = t;
          break;
        }
        s = fail[s]!;
      }
      const out = outputs[s];
      if (out !== undefined) for (let k = 0; k < out.length; k++) found(out[k]!);
    }
  }
}
