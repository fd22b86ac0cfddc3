import type { BodyText } from './response-text';

/**
 * Most characters of a raw response kept for the artifacts: a normal streamed answer is a few
 * hundred kilobytes of events at most, and past this only the head helps to see what went wrong.
 */
export const MAX_RAW_RESPONSE_CHARS = 1024 * 1024;

/** The raw response as kept: the whole body, or its head and a line saying how long it was. */
export function keptRawResponse(body: BodyText): string {
  if (body.whole && body.text.length <= MAX_RAW_RESPONSE_CHARS) return body.text;
  const head = body.text.slice(0, MAX_RAW_RESPONSE_CHARS);
  return `${head}\n[AppGen kept only the first ${head.length} characters of this response; ${body.bytes} bytes were read]`;
}
