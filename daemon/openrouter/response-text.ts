/**
 * Reads a response body as text, decoding UTF-8 across chunk boundaries. `onPiece` sees each
 * decoded piece and may return false to stop reading; the rest of the body is then discarded.
 */
export async function readBodyText(
  body: AsyncIterable<Uint8Array>,
  onPiece?: (piece: string) => boolean,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of body) {
    const piece = decoder.decode(chunk, { stream: true });
    text += piece;
    if (onPiece && !onPiece(piece)) return text;
  }
  const rest = decoder.decode();
  text += rest;
  if (rest !== '') onPiece?.(rest);
  return text;
}

/** The first value of a response header, or undefined when absent or empty. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}
