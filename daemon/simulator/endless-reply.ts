import type { ServerResponse } from 'node:http';

/** What an endless reply repeats, rendered by the reply writer in the plan's shape. */
export interface EndlessReply {
  headers: Record<string, string>;
  /** An event stream, else a JSON body. */
  stream: boolean;
  /** Answer text that never ends, else keep-alives that never end. */
  answer: boolean;
  /** One stream event carrying `text` as answer text. */
  answerEvent: (text: string) => string;
  /** The start of a JSON completion, up to the opening quote of its content string. */
  jsonHead: string;
  /** Pause between writes. */
  intervalMs: number;
}

/** Size of each write. */
const PIECE_BYTES = 64 * 1024;
const LINE = 'x = 1  # and on it goes';

/**
 * Writes a 200 reply that never ends, until the client goes away or the simulator closes, as fast
 * as the connection takes it (or with `intervalMs` between writes). `onBody` hears of each write.
 */
export async function writeEndless(
  res: ServerResponse,
  reply: EndlessReply,
  onBody?: (bytes: number) => void,
): Promise<void> {
  res.writeHead(200, {
    ...reply.headers,
    'Content-Type': reply.stream ? 'text/event-stream' : 'application/json',
  });
  const unit = reply.stream
    ? reply.answer
      ? reply.answerEvent(`${LINE}\n`.repeat(40))
      : ': OPENROUTER PROCESSING\n\n'
    : reply.answer
      ? `${LINE}\\n`
      : '\n';
  const piece = unit.repeat(Math.ceil(PIECE_BYTES / unit.length));
  if (reply.answer && !reply.stream && !(await writeOnce(res, reply.jsonHead))) return;
  const bytes = Buffer.byteLength(piece);
  while (await writeOnce(res, piece)) {
    onBody?.(bytes);
    // A pause, or at least a turn of the event loop, so that the simulator's other replies go on.
    await pauseUnlessClosed(res, reply.intervalMs);
  }
}

/** Writes and resolves true once the data is handed to the socket, false if the response closed. */
function writeOnce(res: ServerResponse, data: string): Promise<boolean> {
  return new Promise((resolve) => {
    if (res.destroyed || res.writableEnded) {
      resolve(false);
      return;
    }
    const onClose = (): void => resolve(false);
    res.once('close', onClose);
    res.write(data, () => {
      res.off('close', onClose);
      resolve(!res.destroyed);
    });
  });
}

function pauseUnlessClosed(res: ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      clearImmediate(immediate);
      res.off('close', done);
      resolve();
    };
    const timer = ms > 0 ? setTimeout(done, ms) : undefined;
    const immediate = ms > 0 ? undefined : setImmediate(done);
    res.once('close', done);
  });
}
