/**
 * The bytes of one frame, line or value as they arrive in pieces across chunks. Each piece is copied:
 * callers (sockets, HTTP bodies) may reuse their chunk buffers once `push` returns.
 */
export class ByteChunks {
  private parts: Uint8Array[] = [];
  private bytes = 0;

  get size(): number {
    return this.bytes;
  }

  append(piece: Uint8Array): void {
    if (piece.length === 0) return;
    this.parts.push(piece.slice());
    this.bytes += piece.length;
  }

  /** All pieces as one array (the piece itself when there is only one). */
  concat(): Uint8Array {
    if (this.parts.length === 1) return this.parts[0]!;
    const out = new Uint8Array(this.bytes);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  clear(): void {
    this.parts = [];
    this.bytes = 0;
  }
}
