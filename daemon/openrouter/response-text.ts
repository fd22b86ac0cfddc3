import type { Readable } from 'node:stream';
import { type ResponseBudget, ResponseTooLargeError } from './response-budget';

export interface BodyReadOptions {
  /**
   * Sees each decoded piece and may return false to stop reading (the answer is complete): the
   * body's end is then awaited until the event loop's current turn is over, so that a server which
   * closes the stream right away leaves its connection reusable, while one that keeps it open is
   * not waited for; the caller discards what is left.
   */
  onPiece?: (piece: string) => boolean;
  /** Charged with every byte as it arrives; once it is exceeded reading stops. */
  budget?: ResponseBudget;
  /** Keeps only the first this many characters of the text (the rest is read, not kept). */
  keepChars?: number;
}

/** The text of a body, or its start. */
export interface BodyText {
  text: string;
  /** Bytes of the body received. */
  bytes: number;
  /** Whether `text` is the whole body. */
  whole: boolean;
}

/**
 * Reads a response body as text, decoding UTF-8 across chunk boundaries. Rejects when the body
 * fails or closes before its end, and with `ResponseTooLargeError` as soon as the budget is
 * exceeded (the caller then destroys the body, which aborts the request).
 */
export function readBodyText(body: Readable, options: BodyReadOptions = {}): Promise<BodyText> {
  const { onPiece, budget } = options;
  const keepChars = options.keepChars ?? Number.POSITIVE_INFINITY;
  return new Promise<BodyText>((resolve, reject) => {
    const decoder = new TextDecoder();
    let text = '';
    let bytes = 0;
    let whole = true;
    let stopped = false;
    let settled = false;
    const keep = (piece: string): void => {
      if (text.length + piece.length <= keepChars) {
        text += piece;
        return;
      }
      if (text.length < keepChars) text += piece.slice(0, keepChars - text.length);
      whole = false;
    };
    const settle = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      // The error listener stays: destroying a body read only in part (as the caller then does)
      // emits an error, which must not reach the process as an unhandled one.
      if (error === undefined) resolve({ text, bytes, whole });
      else reject(error);
    };
    const onData = (chunk: Uint8Array): void => {
      if (stopped) return; // what follows the end of the answer is not part of it
      bytes += chunk.length;
      budget?.charge(chunk.length);
      const piece = decoder.decode(chunk, { stream: true });
      keep(piece);
      const more = !onPiece || onPiece(piece);
      if (budget?.exceeded) {
        settle(new ResponseTooLargeError(budget.maxBytes, bytes, text));
        return;
      }
      if (more) return;
      stopped = true;
      setImmediate(() => settle());
    };
    const onEnd = (): void => {
      const rest = decoder.decode();
      if (!stopped) {
        keep(rest);
        if (rest !== '') onPiece?.(rest);
      }
      settle();
    };
    const onError = (error: Error): void => (stopped ? settle() : settle(error));
    const onClose = (): void => {
      if (stopped) settle();
      else settle(new Error('the connection closed before the end of the response'));
    };
    body.on('data', onData);
    body.once('end', onEnd);
    body.on('error', onError);
    body.once('close', onClose);
  });
}

/** The first value of a response header, or undefined when absent or empty. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}
