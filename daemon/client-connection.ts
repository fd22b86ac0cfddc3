/**
 * One client's JSON-RPC connection, over the daemon's stdio or a relayed socket alike: frames are
 * read by the tolerant reader (a bad frame is answered with a parse error and logged, and reading
 * goes on), and the connection can be ended from this side once its last reply has gone out.
 */
import {
  createMessageConnection,
  type Message,
  type MessageConnection,
  type MessageWriter,
} from 'vscode-jsonrpc/node';
import { FramedMessageReader } from './frame-reader';
import { FramedMessageWriter } from './framed-message-writer';
import type { Logger } from './logger';

export interface ClientConnection {
  readonly connection: MessageConnection;
  /** "stdio" or "socket", for the log. */
  readonly transport: string;
  /**
   * Ends this client's connection once every message written so far has been handed on (so a reply
   * sent just before, to `daemon/shutdown`, still arrives), and stops reading from it.
   */
  end(): void;
  /** Whether the client has not yet been sent a megabyte or more of what was written to it. */
  backedUp(): boolean;
}

export function openClientConnection(options: {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** What `output` holds that has not reached the client, when it buffers into another stream. */
  unsentBytes?: () => number;
  transport: string;
  log: Logger;
  /** Closes the transport: stops reading its input and, where it can be, closes its output. */
  close: () => void;
}): ClientConnection {
  const { transport, log } = options;
  const writer = new FramedMessageWriter(options.output, options.unsentBytes);
  let lastWrite: Promise<void> = Promise.resolve();
  const tracked: MessageWriter = {
    onError: writer.onError,
    onClose: writer.onClose,
    write: (message: Message) => {
      lastWrite = writer.write(message);
      return lastWrite;
    },
    end: () => writer.end(),
    dispose: () => writer.dispose(),
  };
  // JSON-RPC's answer to what cannot be parsed: a parse error with a null id, the request's id
  // being unknown. The client hears of it; the daemon reads on from the next header.
  const reader = new FramedMessageReader(options.input, (bad) => {
    log.warn(`malformed JSON-RPC frame from the ${transport} client: ${bad.reason}`);
    void tracked
      .write({
        jsonrpc: '2.0',
        id: null,
        error: { code: bad.code, message: `${bad.reason}; skipped` },
      } as Message)
      .catch(() => undefined);
  });
  const connection = createMessageConnection(reader, tracked);
  let ended = false;
  return {
    connection,
    transport,
    backedUp: () => writer.backedUp,
    end: () => {
      if (ended) return;
      ended = true;
      // Notifications a flood left waiting go out first (see FramedMessageWriter).
      void Promise.all([lastWrite.catch(() => undefined), writer.idle()])
        .catch(() => undefined)
        .finally(() => {
          connection.dispose();
          options.close();
        });
    },
  };
}
