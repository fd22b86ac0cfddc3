/**
 * How much of one response the daemon holds, against a limit, so that an endless or huge body (or
 * keep-alives that never stop) ends the attempt instead of growing a string until the process dies.
 */
import { SETTINGS } from '../../shared/settings';

/** The default limit: far above any real answer, whose text is at most a few hundred kilobytes. */
export const DEFAULT_MAX_RESPONSE_BYTES: number = SETTINGS.maxResponseBytes.default;

/**
 * Every byte of a body counts as it arrives. A streamed event's JSON is given back once its answer
 * text (which counts) has been taken out, since only the text is kept: a long streamed answer costs
 * its text, while keep-alives, an unending line or an unending JSON body reach the limit.
 */
export class ResponseBudget {
  private used = 0;

  constructor(readonly maxBytes: number) {}

  charge(bytes: number): void {
    this.used += bytes;
  }

  refund(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }

  get exceeded(): boolean {
    return this.used > this.maxBytes;
  }
}

/** Reading stopped at the limit; carries what was kept of the body so far. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';

  constructor(
    readonly maxBytes: number,
    /** Body bytes received when reading stopped. */
    readonly receivedBytes: number,
    /** The start of the body, as kept. */
    readonly head: string,
  ) {
    super(`the response passed the limit of ${maxBytes} bytes`);
  }
}
