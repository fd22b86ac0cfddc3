import type { Readable } from 'node:stream';

/**
 * Reads a response body as text, decoding UTF-8 across chunk boundaries. `onPiece` sees each
 * decoded piece and may return false to stop reading (the answer is complete): the body's end is
 * then awaited until the event loop's current turn is over, so that a server which closes the
 * stream right away leaves its connection reusable, while one that keeps it open is not waited
 * for; the caller discards what is left. Rejects when the body fails or closes before its end.
 */
export function readBodyText(body: Readable, onPiece?: (piece: string) => boolean): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const decoder = new TextDecoder();
    let text = '';
    let stopped = false;
    let settled = false;
    const settle = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      // The error listener stays: destroying a body read only in part (as the caller then does)
      // emits an error, which must not reach the process as an unhandled one.
      if (error === undefined) resolve(text);
      else reject(error);
    };
    const onData = (chunk: Uint8Array): void => {
      if (stopped) return; // what follows the end of the answer is not part of it
      const piece = decoder.decode(chunk, { stream: true });
      text += piece;
      if (!onPiece || onPiece(piece)) return;
      stopped = true;
      setImmediate(() => settle());
    };
    const onEnd = (): void => {
      const rest = decoder.decode();
      if (!stopped) {
        text += rest;
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
