import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { ErrorCode } from '../../shared/errors';
import type { ChatUsage } from '../provider/chat-call';
import type { RetryFacts } from './retry-policy';

/** A response whose headers have arrived; `body` is still to be read. */
export interface HttpResponse {
  statusCode: number;
  /** Lower-case names; a repeated header is an array. */
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

let agent: Promise<Dispatcher> | undefined;
/**
 * undici's keep-alive agent, loaded on the first model request (a dynamic import, which the bundle
 * makes a require of a file it keeps apart): cold start and a daemon that only lists history never
 * pay for it. A load that fails is an error of the installation, not of the network: it is thrown,
 * not retried, and the next call tries again.
 */
function keepAliveAgent(): Promise<Dispatcher> {
  agent ??= import('./undici-agent').then(
    (module) => module.keepAliveAgent(),
    (error: unknown) => {
      agent = undefined;
      throw new Error(`The HTTP client (undici) could not be loaded: ${describeTransportError(error)}`, {
        cause: error,
      });
    },
  );
  return agent;
}

/** Sends the request and resolves once the response headers have arrived. */
async function send(
  dispatcher: Dispatcher,
  options: HttpAttemptOptions,
  signal: AbortSignal,
): Promise<HttpResponse> {
  const url = new URL(options.url);
  // An abort after the response began fails the body, which its reader reports.
  const response = await dispatcher.request({
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: options.method,
    headers: options.headers,
    body: options.body,
    signal,
  });
  return { statusCode: response.statusCode, headers: response.headers, body: response.body };
}

/** One failed attempt: what the retry policy needs, and what the final error will say. */
export interface AttemptFailure extends RetryFacts {
  code: ErrorCode;
  message: string;
  /** HTTP status, when response headers arrived. */
  status?: number;
  rawResponse?: string;
  /** What the server billed for this attempt although it failed (a cut-off or late-failing answer). */
  usage?: ChatUsage;
  /** The generation id of such a billed attempt. */
  generationId?: string;
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
}

/**
 * Makes one HTTP request and lets `handle` read the response, all within one time limit. Failures
 * of the exchange itself (refused, reset, cut off, timed out, aborted) come back as an
 * `AttemptFailure` instead of being thrown.
 */
export async function httpAttempt<T>(
  options: HttpAttemptOptions,
  handle: (response: HttpResponse) => Promise<AttemptOutcome<T>>,
): Promise<AttemptOutcome<T>> {
  if (options.signal?.aborted) return { ok: false, failure: cancelledFailure() };
  const dispatcher = await keepAliveAgent();
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
  let response: HttpResponse | undefined;
  try {
    response = await send(dispatcher, options, controller.signal);
    const outcome = await handle(response);
    // undici hands a connection back to its pool one turn of the event loop after the response
    // ended (so that a server closing it after all is noticed first): waiting for that turn lets
    // the next call, even one made at once, reuse it instead of opening another.
    if (response.body.readableEnded) await new Promise<void>((resolve) => setImmediate(resolve));
    return outcome;
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

/** A short description of a socket error, with its system code when there is one. */
export function describeTransportError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const withCode = error as Error & { code?: unknown; cause?: unknown };
  const cause = withCode.cause instanceof Error ? (withCode.cause as Error & { code?: unknown }) : undefined;
  const code = [withCode.code, cause?.code].find(
    (value): value is string => typeof value === 'string' && value !== 'ABORT_ERR',
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
