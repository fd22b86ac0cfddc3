import type { Dispatcher, request as UndiciRequest } from 'undici';
import type { ErrorCode } from '../../shared/errors';
import type { RetryFacts } from './retry-policy';

let loaded: typeof UndiciRequest | undefined;
/**
 * undici's `request`, loaded on the first call rather than at start: undici is a large part of the
 * daemon's start-up time, and a daemon that only lists history never needs it.
 */
async function undiciRequest(): Promise<typeof UndiciRequest> {
  loaded ??= (await import('undici')).request;
  return loaded;
}

/** One failed attempt: what the retry policy needs, and what the final error will say. */
export interface AttemptFailure extends RetryFacts {
  code: ErrorCode;
  message: string;
  /** HTTP status, when response headers arrived. */
  status?: number;
  rawResponse?: string;
  cause?: unknown;
}

export type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; failure: AttemptFailure };

export interface HttpAttemptOptions {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Limit for headers and body together; 0 or less means none. */
  timeoutMs: number;
  /** The caller's cancellation. */
  signal?: AbortSignal;
  dispatcher?: Dispatcher;
}

/**
 * Makes one HTTP request and lets `handle` read the response, all within one time limit. Failures
 * of the exchange itself (refused, reset, cut off, timed out, aborted) come back as an
 * `AttemptFailure` instead of being thrown.
 */
export async function httpAttempt<T>(
  options: HttpAttemptOptions,
  handle: (response: Dispatcher.ResponseData) => Promise<AttemptOutcome<T>>,
): Promise<AttemptOutcome<T>> {
  if (options.signal?.aborted) return { ok: false, failure: cancelledFailure() };
  const controller = new AbortController();
  let timedOut = false;
  const timer =
    options.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, options.timeoutMs)
      : undefined;
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let response: Dispatcher.ResponseData | undefined;
  try {
    const request = await undiciRequest();
    response = await request(options.url, {
      method: options.method,
      headers: options.headers,
      body: options.body,
      signal: controller.signal,
      dispatcher: options.dispatcher,
      // The attempt's own timer covers headers and body together.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    return await handle(response);
  } catch (error) {
    return { ok: false, failure: classify(error, options, timedOut, response?.statusCode) };
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    // A handler that stopped reading early must not leave the connection busy.
    if (response && !response.body.readableEnded) response.body.destroy();
  }
}

function classify(
  error: unknown,
  options: HttpAttemptOptions,
  timedOut: boolean,
  status: number | undefined,
): AttemptFailure {
  if (options.signal?.aborted) return cancelledFailure();
  if (timedOut) {
    return {
      kind: 'timeout',
      code: 'timeout',
      status,
      message: `No complete answer from ${hostOf(options.url)} within ${options.timeoutMs} ms`,
    };
  }
  const detail = describeTransportError(error);
  if (status !== undefined) {
    return {
      kind: 'cut-off',
      code: 'network',
      status,
      message: `The response from ${hostOf(options.url)} was cut off mid-transfer (${detail})`,
      cause: error,
    };
  }
  return {
    kind: 'connection',
    code: 'network',
    message: `Could not reach ${hostOf(options.url)}: ${detail}`,
    cause: error,
  };
}

function cancelledFailure(): AttemptFailure {
  return { kind: 'cancelled', code: 'cancelled', message: 'The model call was cancelled' };
}

/** A short description of a socket or undici error, with its system code when there is one. */
export function describeTransportError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const withCode = error as Error & { code?: unknown; cause?: unknown };
  const cause = withCode.cause instanceof Error ? (withCode.cause as Error & { code?: unknown }) : undefined;
  const code = [withCode.code, cause?.code].find(
    (value): value is string => typeof value === 'string' && !value.startsWith('UND_ERR'),
  );
  const message = withCode.message || cause?.message || error.name;
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the model API';
  }
}
