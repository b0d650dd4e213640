/**
 * Aho-Corasick automaton over UTF-16 code units: finds every registered literal in one linear pass,
 * so thousands of rule literals cost one scan of a field instead of one substring search each.
 * Built with one edge map (parent, character) -> child, then frozen into flat typed arrays (sorted
 * transitions per state, a direct table for ASCII at the root) so the scan does no hashing. One map for
 * all edges, not one per state, keeps compiling thousands of rules from allocating a map per trie node.
 */
export class AhoCorasick {
  private edges: Map<number, number> | undefined = new Map();
  private parent: number[] = [0];
  private label: number[] = [0];
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
    const edges = this.edges;
    if (!edges) throw new Error('AhoCorasick.add after build');
    let s = 0;
    for (let i = 0; i < literal.length; i++) {
      const c = literal.charCodeAt(i);
      const key = s * 0x10000 + c;
      let next = edges.get(key);
      if (next === undefined) {
        next = this.parent.length;
        this.parent.push(s);
        this.label.push(c);
        this.outputsBuild.push(undefined);
        edges.set(key, next);
      }
      s = next;
    }
    (this.outputsBuild[s] ??= []).push(id);
  }

  build(): this {
    if (!this.edges) return this;
    const { parent, label } = this;
    const n = parent.length;
    // Children of each state as one sorted run of (char, target): counting sort by parent, then by char.
    const offsets = new Int32Array(n + 1);
    for (let i = 1; i < n; i++) offsets[parent[i]! + 1]!++;
    for (let s = 0; s < n; s++) offsets[s + 1]! += offsets[s]!;
    const fill = offsets.slice(0, n);
    const chars = new Uint16Array(n - 1);
    const targets = new Int32Array(n - 1);
    for (let i = 1; i < n; i++) {
      const k = fill[parent[i]!]!++;
      chars[k] = label[i]!;
      targets[k] = i;
    }
    for (let s = 0; s < n; s++) {
      const a = offsets[s]!;
      const b = offsets[s + 1]!;
      if (b - a < 2) continue;
      const run = Array.from({ length: b - a }, (_, k) => [chars[a + k]!, targets[a + k]!] as const).sort((x, y) => x[0] - y[0]);
      run.forEach(([c, t], k) => {
        chars[a + k] = c;
        targets[a + k] = t;
      });
    }
    this.offsets = offsets;
    this.chars = chars;
    this.targets = targets;
    const fail = new Int32Array(n);
    const outputs = this.outputsBuild;
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
    this.edges = undefined;
    this.parent = [];
    this.label = [];
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
