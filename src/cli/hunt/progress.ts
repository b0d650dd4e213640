/** A one-line progress display on stderr, redrawn at most every 200 ms; inert when disabled. */
export class Progress {
  private last = 0;
  private readonly started = Date.now();

  constructor(private readonly enabled: boolean) {}

  update(files: number, total: number, records: number, detections: number, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 200) return;
    this.last = now;
    const rate = Math.round(records / Math.max((now - this.started) / 1000, 0.001));
    process.stderr.write(`\r\x1b[Kfiles ${files}/${total}  records ${records}  detections ${detections}  ${rate} records/s`);
  }

  done(): void {
    if (this.enabled) process.stderr.write('\r\x1b[K');
  }
}
