import type { ErrorCode } from '../../shared/errors';

/** The error code (docs/protocol.md) for an HTTP error status from the model API. */
export function statusErrorCode(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 402:
      return 'insufficient_credits';
    case 403:
      return 'forbidden';
    case 404:
      // OpenRouter answers 404 for an unknown model id: a problem with the request.
      return 'bad_request';
    case 408:
      return 'upstream';
    case 429:
      return 'rate_limited';
  }
  if (status >= 500) return 'upstream';
  if (status >= 400) return 'bad_request';
  return 'upstream';
}

/** Statuses that say the model (or its provider) is overloaded, rather than this one request failed. */
const OVERLOAD_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** Whether a failed attempt's status is the server pushing back (see `AttemptEnd.overloaded`). */
export function isOverloadStatus(status: number | undefined): boolean {
  return status !== undefined && OVERLOAD_STATUSES.has(status);
}
