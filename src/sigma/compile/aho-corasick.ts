/**
 * Aho-Corasick automaton over UTF-16 code units: finds every registered literal in one linear pass,
 * so thousands of rule literals cost one scan of a field instead of one substring search each.
 * Built with maps, then frozen into flat typed arrays (sorted transitions per state, a direct table
 * for ASCII at the root) so the scan does no hashing.
 */
export class AhoCorasick {
  private trie: Map<number, number>[] | undefined = [new Map()];
  private outputsBuild: (number[] | undefined)[] = [undefined];
  private fail: Int32Array = new Int32Array(1);
  private offsets: Int32Array = new Int32Array(2);
  private chars: Uint16Array = new Uint16Array(0);
  private targets: Int32Array = new Int32Array(0);
  private rootAscii: Int32Array = new Int32Array(128);
  private outputs: (number[] | undefined)[] = [];
  private states = 1;

  /** Registers a literal with an id reported on every occurrence. */
  add(literal: string, id: number): void {
    const trie = this.trie;
    if (!trie) throw new Error('AhoCorasick.add after build');
    let s = 0;
    for (let i = 0; i < literal.length; i++) {
      const c = literal.charCodeAt(i);
      let next = trie[s]!.get(c);
      if (next === undefined) {
        next = trie.length;
        trie.push(new Map());
        this.outputsBuild.push(undefined);
        trie[s]!.set(c, next);
      }
      s = next;
    }
    (this.outputsBuild[s] ??= []).push(id);
  }

  build(): this {
    const trie = this.trie;
    if (!trie) return this;
    const n = trie.length;
    const fail = new Int32Array(n);
    const outputs = this.outputsBuild;
    const queue: number[] = [];
    for (const next of trie[0]!.values()) queue.push(next);
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      for (const [c, next] of trie[s]!) {
        queue.push(next);
        let f = fail[s]!;
        while (f !== 0 && !trie[f]!.has(c)) f = fail[f]!;
        const target = trie[f]!.get(c);
        fail[next] = target !== undefined && target !== next ? target : 0;
        const inherited = outputs[fail[next]!];
        if (inherited) outputs[next] = [...(outputs[next] ?? []), ...inherited];
      }
    }
    let edges = 0;
    for (const m of trie) edges += m.size;
    const offsets = new Int32Array(n + 1);
    const chars = new Uint16Array(edges);
    const targets = new Int32Array(edges);
    let e = 0;
    for (let s = 0; s < n; s++) {
      offsets[s] = e;
      for (const [c, t] of [...trie[s]!].sort((a, b) => a[0] - b[0])) {
        chars[e] = c;
        targets[e] = t;
        e++;
      }
    }
    offsets[n] = e;
    for (const [c, t] of trie[0]!) if (c < 128) this.rootAscii[c] = t;
    this.fail = fail;
    this.offsets = offsets;
    this.chars = chars;
    this.targets = targets;
    this.outputs = outputs;
    this.states = n;
    this.trie = undefined;
    this.outputsBuild = [];
    return this;
  }

  get size(): number {
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

  /** Calls `found` with the id of every literal occurring in `text` (ids may repeat). */
  search(text: string, found: (id: number) => void): void {
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
