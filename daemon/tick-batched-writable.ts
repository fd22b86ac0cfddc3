/**
 * A writable stream that hands everything written to it during one turn of the event loop to its
 * target as a single write. The JSON-RPC writer sends each message as two writes (header, then
 * body) and waits for each write's callback before the next, and a busy daemon sends several
 * messages at once; to a pipe, every write is a system call of its own, which made the writes a
 * tenth of a job's CPU time. So a write is acknowledged as soon as it is buffered (unless the
 * target is backed up), and the buffer goes out once the turn's callbacks and promises have run.
 */
import { Writable } from 'node:stream';

export class TickBatchedWritable extends Writable {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private scheduled = false;

  constructor(private readonly target: NodeJS.WritableStream & { writableNeedDrain?: boolean }) {
    super();
    // The target going away ends this stream too, so the JSON-RPC writer hears of it.
    target.once('error', (error: Error) => this.destroy(error));
    target.once('close', () => this.destroy());
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (!this.scheduled) {
      this.scheduled = true;
      // setImmediate, not nextTick: the writer's next write comes after a promise settles, and
      // the turn's promises all run before the check phase.
      setImmediate(() => this.flush());
    }
    // A reader that does not keep up holds the writer back, rather than letting the buffer grow.
    if (this.target.writableNeedDrain) this.target.once('drain', () => callback());
    else callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flush();
    callback();
  }

  /** Bytes written here that the target has not yet sent on: this stream's and the target's. */
  unsentBytes(): number {
    const target = (this.target as { writableLength?: number }).writableLength ?? 0;
    return this.writableLength + this.pendingBytes + target;
  }

  /** Writes what waits now; the daemon calls it on exit, when no later turn comes. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0 || this.destroyed) return;
    const joined = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.target.write(joined, (error?: Error | null) => {
      if (error) this.destroy(error);
    });
  }
}
