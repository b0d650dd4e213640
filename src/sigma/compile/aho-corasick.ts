/**
 * Aho-Corasick automaton over UTF-16 code units: finds every registered literal in one linear pass,
 * so thousands of rule literals cost one scan of a field instead of one substring search each.
 */
export class AhoCorasick {
  private readonly goto: Map<number, number>[] = [new Map()];
  private fail: Int32Array = new Int32Array(1);
  private readonly outputs: (number[] | undefined)[] = [undefined];
  private built = false;

  /** Registers a literal with an id reported on every occurrence. */
  add(literal: string, id: number): void {
    if (this.built) throw new Error('AhoCorasick.add after build');
    let s = 0;
    for (let i = 0; i < literal.length; i++) {
      const c = literal.charCodeAt(i);
      let next = this.goto[s]!.get(c);
      if (next === undefined) {
        next = this.goto.length;
        this.goto.push(new Map());
        this.outputs.push(undefined);
        this.goto[s]!.set(c, next);
      }
      s = next;
    }
    (this.outputs[s] ??= []).push(id);
  }

  build(): this {
    const n = this.goto.length;
    this.fail = new Int32Array(n);
    const queue: number[] = [];
    for (const next of this.goto[0]!.values()) queue.push(next);
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      for (const [c, next] of this.goto[s]!) {
        queue.push(next);
        let f = this.fail[s]!;
        while (f !== 0 && !this.goto[f]!.has(c)) f = this.fail[f]!;
        const target = this.goto[f]!.get(c);
        this.fail[next] = target !== undefined && target !== next ? target : 0;
        const inherited = this.outputs[this.fail[next]!];
        if (inherited) this.outputs[next] = [...(this.outputs[next] ?? []), ...inherited];
      }
    }
    this.built = true;
    return this;
  }

  get size(): number {
    return this.goto.length;
  }

  /** Calls `found` with the id of every literal occurring in `text` (ids may repeat). */
  search(text: string, found: (id: number) => void): void {
    const goto = this.goto;
    const fail = this.fail;
    const outputs = this.outputs;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let next = goto[s]!.get(c);
      while (next === undefined && s !== 0) {
        s = fail[s]!;
        next = goto[s]!.get(c);
      }
      s = next ?? 0;
      const out = outputs[s];
      if (out !== undefined) for (let k = 0; k < out.length; k++) found(out[k]!);
    }
  }
}
