/**
 * Writes JSON-RPC messages to a stream (the daemon's stdout, a relayed client's socket) as they are
 * sent, framed as vscode-jsonrpc frames them: a Content-Length header, then the JSON in UTF-8.
 *
 * vscode-jsonrpc's own stream writers pass every message through a queue that lets one out per
 * turn of the event loop and takes it off with Array#shift, which copies the whole queue once it
 * is large: the 100,000 notifications of a batch's jobs took tens of seconds to drain, and every
 * reply (daemon/status, batch/cancel) waited behind them. A Node stream keeps the order itself.
 *
 * Replies go before notifications that have piled up. A batch of 100,000 jobs announces each one,
 * tens of megabytes that the client reads for seconds; a reply written behind them (the batch's
 * cancel, a status) would wait as long. So once the stream holds a megabyte not yet sent,
 * notifications wait in a backlog of their own, in order, and go on as the stream drains, while
 * replies and requests are handed to the stream at once. Without a flood nothing waits and every
 * message goes out in the order it was written.
 */
import type { Writable } from 'node:stream';
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-jsonrpc/node';

/** Bytes the stream may hold unsent before notifications wait in the backlog. */
export const NOTIFICATION_BACKLOG_BYTES = 1 << 20;
/** How often a backlog is looked at when the stream will not say it drained. */
const RELEASE_POLL_MS = 2;

export class FramedMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errors = 0;
  /** Framed notifications waiting for the stream to drain, oldest first from `head`. */
  private backlog: Buffer[] = [];
  private head = 0;
  private waitingForDrain = false;
  private endWanted = false;
  private idleWaiters: (() => void)[] = [];

  /**
   * `unsentBytes` tells what the stream holds that has not reached the client; by default the
   * stream's own buffer, but a stream that buffers into another (TickBatchedWritable) counts both.
   */
  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly unsentBytes: () => number = () => (stream as Partial<Writable>).writableLength ?? 0,
  ) {
    super();
    stream.on('error', (error: Error) => this.fireError(error));
    stream.on('close', () => {
      // Nothing more can be written: whoever waits for the backlog waits no longer.
      this.backlog = [];
      this.head = 0;
      this.wakeIdle();
      this.fireClose();
    });
  }

  /** Hands the framed message to the stream (or, for a notification in a flood, to the backlog). */
  write(message: Message): Promise<void> {
    try {
      const frame = frameOf(message);
      if (isNotification(message) && this.backedUp) {
        this.backlog.push(frame);
        this.releaseOnDrain();
      } else {
        this.stream.write(frame);
      }
      return Promise.resolve();
    } catch (error) {
      this.errors++;
      this.fireError(error, message, this.errors);
      return Promise.reject(error);
    }
  }

  /** Whether notifications wait, or the stream holds a backlog's worth not yet sent. */
  get backedUp(): boolean {
    return this.waiting > 0 || this.unsentBytes() >= NOTIFICATION_BACKLOG_BYTES;
  }

  /** Resolves once every notification of the backlog is handed to the stream. */
  idle(): Promise<void> {
    if (this.waiting === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Ends the stream once the backlog is handed to it. */
  end(): void {
    if (this.waiting === 0) this.stream.end();
    else this.endWanted = true;
  }

  private get waiting(): number {
    return this.backlog.length - this.head;
  }

  private releaseOnDrain(): void {
    if (this.waitingForDrain) return;
    this.waitingForDrain = true;
    // A stream that did not ask for a drain (its own limit is above ours, or it hands its bytes on
    // to another that holds them) is looked at again shortly: a turn later would spin while idle.
    const needsDrain = (this.stream as Partial<Writable>).writableNeedDrain === true;
    const release = () => {
      this.waitingForDrain = false;
      this.release();
    };
    if (needsDrain) this.stream.once('drain', release);
    else setTimeout(release, RELEASE_POLL_MS);
  }

  /** Hands waiting notifications to the stream until it holds a backlog's worth again. */
  private release(): void {
    while (this.waiting > 0 && this.unsentBytes() < NOTIFICATION_BACKLOG_BYTES) {
      const frame = this.backlog[this.head]!;
      this.backlog[this.head++] = EMPTY;
      this.stream.write(frame);
    }
    if (this.waiting > 0) {
      // Dropping what went out now and then keeps the array from holding them all (no shift).
      if (this.head > 4096) {
        this.backlog = this.backlog.slice(this.head);
        this.head = 0;
      }
      this.releaseOnDrain();
      return;
    }
    this.backlog = [];
    this.head = 0;
    this.wakeIdle();
    if (this.endWanted) this.stream.end();
  }

  private wakeIdle(): void {
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}

const EMPTY = Buffer.alloc(0);

function isNotification(message: Message): boolean {
  const fields = message as { id?: unknown; method?: unknown };
  return typeof fields.method === 'string' && fields.id === undefined;
}

/** The header and the body in one buffer: one write per message. */
function frameOf(message: Message): Buffer {
  const body = JSON.stringify(message);
  const bodyBytes = Buffer.byteLength(body, 'utf8');
  const header = `Content-Length: ${bodyBytes}\r\n\r\n`;
  const frame = Buffer.allocUnsafe(header.length + bodyBytes);
  frame.write(header, 0, 'ascii');
  frame.write(body, header.length, 'utf8');
  return frame;
}
