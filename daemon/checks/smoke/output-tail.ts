/**
 * What a checked app printed, kept up to a limit: the last `limit` bytes (where a crash's traceback
 * is), the rest counted and dropped. The stream is always read to its end, so an app that prints
 * megabytes neither fills the checker's memory nor blocks on a full pipe.
 */
export const OUTPUT_LIMIT_BYTES = 64 * 1024;

export class OutputTail {
  private chunks: Buffer[] = [];
  private kept = 0;
  private droppedBytes = 0;

  constructor(private readonly limit = OUTPUT_LIMIT_BYTES) {}

  push(chunk: Buffer): void {
    if (chunk.length >= this.limit) {
      this.droppedBytes += this.kept + chunk.length - this.limit;
      this.chunks = [chunk.subarray(chunk.length - this.limit)];
      this.kept = this.limit;
      return;
    }
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.kept > this.limit) {
      const first = this.chunks[0]!;
      const over = this.kept - this.limit;
      if (first.length <= over) {
        this.chunks.shift();
        this.kept -= first.length;
        this.droppedBytes += first.length;
      } else {
        this.chunks[0] = first.subarray(over);
        this.kept -= over;
        this.droppedBytes += over;
      }
    }
  }

  /** Bytes kept (at most the limit). */
  get keptBytes(): number {
    return this.kept;
  }

  /** Bytes received and not kept. */
  get dropped(): number {
    return this.droppedBytes;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  /** The last `lines` non-empty lines, each cut to 300 characters, for a reason. */
  lastLines(lines: number): string {
    return this.text()
      .split('\n')
      .map((line) => line.trimEnd())
      .filter((line) => line !== '')
      .slice(-lines)
      .map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line))
      .join('\n');
  }
}
