/**
 * Writes JSON-RPC messages to a stream (the daemon's stdout, a relayed client's socket) as they are
 * sent, framed as vscode-jsonrpc frames them: a Content-Length header, then the JSON in UTF-8.
 *
 * vscode-jsonrpc's own stream writers pass every message through a queue that lets one out per
 * turn of the event loop and takes it off with Array#shift, which copies the whole queue once it
 * is large: the 100,000 notifications of a batch's jobs took tens of seconds to drain, and every
 * reply (daemon/status, batch/cancel) waited behind them. A Node stream keeps the order itself.
 */
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-jsonrpc/node';

export class FramedMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errors = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {
    super();
    stream.on('error', (error: Error) => this.fireError(error));
    stream.on('close', () => this.fireClose());
  }

  /** Hands the framed message to the stream at once; resolves once it is buffered there. */
  write(message: Message): Promise<void> {
    try {
      const body = Buffer.from(JSON.stringify(message), 'utf8');
      this.stream.write(`Content-Length: ${body.byteLength}\r\n\r\n`, 'ascii');
      this.stream.write(body);
      return Promise.resolve();
    } catch (error) {
      this.errors++;
      this.fireError(error, message, this.errors);
      return Promise.reject(error);
    }
  }

  end(): void {
    this.stream.end();
  }
}
