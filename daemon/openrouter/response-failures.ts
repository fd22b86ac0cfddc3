import type { BodyProblem } from './completion';
import { extractErrorMessage } from './error-message';
import type { AttemptFailure } from './http-attempt';
import { parseJsonBody } from './json-completion';
import { keptRawResponse } from './raw-response';
import type { ResponseTooLargeError } from './response-budget';
import { parseRetryAfter } from './retry-policy';
import { statusErrorCode } from './status-error-code';

/**
 * The failure for an HTTP error status: the protocol's error code for the status, the server's message,
 * and its `Retry-After` (read against `nowMs`).
 */
export function httpStatusFailure(
  status: number,
  body: string,
  retryAfter: string | undefined,
  nowMs: number,
): AttemptFailure {
  const detail = extractErrorMessage(parseJsonBody(body));
  const failure: AttemptFailure = {
    kind: 'http',
    code: statusErrorCode(status),
    status,
    message: `OpenRouter returned HTTP ${status}${detail ? `: ${detail}` : ''}`,
    rawResponse: body,
  };
  const retryAfterMs = parseRetryAfter(retryAfter, nowMs);
  if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
  return failure;
}

/** The failure for a success status whose body held no usable answer. */
export function bodyProblemFailure(
  problem: BodyProblem,
  status: number,
  rawResponse: string,
  streamed: boolean,
): AttemptFailure {
  if (problem.reason === 'error' && problem.errorStatus !== undefined && !streamed) {
    // A success status wrapping an error with its own status: treat it as that status.
    return {
      kind: 'http',
      code: statusErrorCode(problem.errorStatus),
      status: problem.errorStatus,
      message: `OpenRouter returned an error (${problem.errorStatus}): ${problem.message}`,
      rawResponse,
    };
  }
  if (problem.reason === 'error') {
    return {
      kind: 'mid-stream',
      code: problem.errorStatus ? statusErrorCode(problem.errorStatus) : 'upstream',
      status: problem.errorStatus ?? status,
      contentReceived: problem.contentReceived,
      message: `${streamed ? 'The provider failed mid-answer' : 'OpenRouter returned an error'}: ${problem.message}`,
      rawResponse,
    };
  }
  if (problem.reason === 'incomplete') {
    return {
      kind: 'cut-off',
      code: 'upstream',
      status,
      message: `The answer stream ended early: ${problem.message}`,
      rawResponse,
    };
  }
  return {
    kind: 'unusable-body',
    code: 'upstream',
    status,
    message: `OpenRouter sent no usable answer: ${problem.message}`,
    rawResponse,
  };
}

/** The failure for a response that passed the size limit: it is not tried again. */
export function tooLargeFailure(error: ResponseTooLargeError, status: number): AttemptFailure {
  return {
    kind: 'too-large',
    code: 'response_too_large',
    status,
    message:
      `The response passed the limit of ${error.maxBytes} bytes and was stopped there ` +
      '(OPENROUTER_MAX_RESPONSE_BYTES, appgen.maxResponseBytes)',
    rawResponse: keptRawResponse({ text: error.head, bytes: error.receivedBytes, whole: false }),
  };
}
