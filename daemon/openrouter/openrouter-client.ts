import { addUsage } from '../../shared/job';
import { DaemonError } from '../daemon-error';
import type {
  AttemptEnd,
  CallOptions,
  ChatRequest,
  ChatResult,
  ChatUsage,
  ModelSummary,
} from '../provider/chat-call';
import type { ModelClient } from '../provider/model-provider';
import { SecretScrubber } from '../secret-scrubber';
import { abortableSleep } from './abortable-sleep';
import type { BodyOutcome } from './completion';
import { describeTextBody, extractErrorMessage } from './error-message';
import { type AttemptFailure, type AttemptOutcome, type HttpResponse, httpAttempt } from './http-attempt';
import { parseJsonBody, readJsonCompletion } from './json-completion';
import { readModelList } from './model-list';
import { raceAbort } from './race-abort';
import { keptRawResponse, MAX_RAW_RESPONSE_CHARS } from './raw-response';
import { DEFAULT_MAX_RESPONSE_BYTES, ResponseBudget, ResponseTooLargeError } from './response-budget';
import { bodyProblemFailure, httpStatusFailure, tooLargeFailure } from './response-failures';
import { type BodyText, headerValue, readBodyText } from './response-text';
import { RetryPolicy } from './retry-policy';
import { SseCompletionReader } from './sse-completion-reader';
import { isOverloadStatus } from './status-error-code';

export interface OpenRouterClientOptions {
  /** Any OpenAI-compatible base, e.g. `https://openrouter.ai/api/v1`; trailing slashes are ignored. */
  baseUrl: string;
  apiKey: string | undefined;
  /**
   * Takes keys out of every string the server sent before it leaves the client; told of `apiKey`.
   * Default: one that knows `apiKey` only.
   */
  scrubber?: SecretScrubber;
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Backoff before retry k is `backoffBaseMs * 2^(k-1)` plus jitter. */
  backoffBaseMs: number;
  /** One attempt's limit, headers and body together; 0 means none. */
  timeoutMs: number;
  /**
   * Most bytes of one response the client holds (see `ResponseBudget`); past it the request is
   * aborted and the call fails with `response_too_large`, not retried. Default 8 MiB.
   */
  maxResponseBytes?: number;
  /** Longest wait between attempts, `Retry-After` included. Default 60 000. */
  maxBackoffMs?: number;
  /** Sent as `HTTP-Referer` (OpenRouter's app attribution). */
  referer?: string;
  /** Sent as `X-Title`. */
  title?: string;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const DEFAULT_REFERER = 'https://github.com/appgen/appgen';
const DEFAULT_TITLE = 'AppGen';

/** What the server billed for failed attempts of one call. */
interface Billed {
  usage?: ChatUsage;
  generationIds: string[];
}

/** The error data for what failed attempts were billed; nothing when none was. */
function billedData(billed: Billed | undefined): Pick<DaemonError['data'], 'usage' | 'generationIds'> {
  if (!billed?.usage) return {};
  return billed.generationIds.length > 0
    ? { usage: billed.usage, generationIds: billed.generationIds }
    : { usage: billed.usage };
}

/** What one successful attempt yields; the call adds attempts, duration and payload. */
type AttemptResult = Omit<ChatResult, 'attempts' | 'durationMs' | 'requestPayload'>;

/**
 * OpenRouter's `ModelClient`: calls an OpenAI-compatible chat completions API with retries. Every failure is a
 * `DaemonError` with a contract code and `data.attempts`. Every string the server sent (the answer,
 * its ids and names, error messages, raw bodies) is scrubbed here, where it enters the daemon, so
 * the key appears in no message, log or returned value, whatever the server echoes.
 */
export class OpenRouterClient implements ModelClient {
  private readonly policy: RetryPolicy;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly scrubber: SecretScrubber;

  constructor(private readonly options: OpenRouterClientOptions) {
    this.policy = new RetryPolicy({
      maxRetries: options.maxRetries,
      baseMs: options.backoffBaseMs,
      maxDelayMs: options.maxBackoffMs,
      random: options.random,
    });
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? abortableSleep;
    this.scrubber = options.scrubber ?? new SecretScrubber();
    this.scrubber.add(options.apiKey);
  }

  /** Sends one chat request (streamed) and returns the assembled answer. */
  async complete(request: ChatRequest, opts: CallOptions = {}): Promise<ChatResult> {
    const apiKey = this.options.apiKey;
    if (apiKey === undefined || apiKey.trim() === '') {
      throw new DaemonError(
        'unauthorized',
        'No OpenRouter API key is set: set OPENROUTER_API_KEY or enter the key in AppGen',
        { attempts: 0 },
      );
    }
    const url = this.endpoint('chat/completions');
    const payload = chatPayload(request);
    const body = JSON.stringify(payload);
    const started = this.now();
    const { value, attempts, billed } = await this.withRetries(opts, (signal) =>
      httpAttempt(
        {
          method: 'POST',
          url,
          headers: { ...this.headers(apiKey), 'Content-Type': 'application/json' },
          body,
          timeoutMs: this.options.timeoutMs,
          signal,
        },
        (response) => this.withinLimit(response, (budget) => this.readChat(response, budget)),
      ),
    );
    const usage = billed.usage && (value.usage ? addUsage(billed.usage, value.usage) : billed.usage);
    return {
      ...value,
      ...(usage ? { usage } : {}),
      ...(billed.generationIds.length > 0 ? { billedGenerationIds: billed.generationIds } : {}),
      attempts,
      durationMs: Math.max(0, this.now() - started),
      requestPayload: payload,
    };
  }

  /** The server's model list (`GET {base}/models`), with retries like a chat call. */
  async listModels(opts: Pick<CallOptions, 'signal'> = {}): Promise<ModelSummary[]> {
    const url = this.endpoint('models');
    const apiKey = this.options.apiKey?.trim() ? this.options.apiKey : undefined;
    const { value } = await this.withRetries(opts, (signal) =>
      httpAttempt(
        {
          method: 'GET',
          url,
          headers: this.headers(apiKey),
          timeoutMs: this.options.timeoutMs,
          signal,
        },
        (response) => this.withinLimit(response, (budget) => this.readModels(response, budget)),
      ),
    );
    return value;
  }

  private async withRetries<T>(
    opts: CallOptions,
    attempt: (signal: AbortSignal | undefined) => Promise<AttemptOutcome<T>>,
  ): Promise<{ value: T; attempts: number; billed: Billed }> {
    // Failed attempts the server billed all the same (cut off, failing late): paid, so counted.
    const billed: Billed = { generationIds: [] };
    for (let attemptNo = 1; ; attemptNo += 1) {
      if (opts.signal?.aborted) throw this.cancelled(attemptNo - 1);
      let ended: ((end: AttemptEnd) => void) | undefined;
      try {
        ended = await opts.gate?.(opts.signal);
      } catch (error) {
        if (opts.signal?.aborted) throw this.cancelled(attemptNo - 1);
        throw error;
      }
      opts.onAttempt?.(attemptNo);
      let outcome: AttemptOutcome<T> | undefined;
      try {
        outcome = await attempt(opts.signal);
      } finally {
        ended?.(
          outcome?.ok ? { ok: true } : { ok: false, overloaded: isOverloadStatus(outcome?.failure.status) },
        );
      }
      if (outcome.ok) return { value: outcome.value, attempts: attemptNo, billed };
      const failure = outcome.failure;
      if (failure.usage) billed.usage = addUsage(billed.usage, failure.usage);
      if (failure.generationId) billed.generationIds.push(failure.generationId);
      if (failure.kind === 'cancelled' || opts.signal?.aborted) throw this.cancelled(attemptNo, billed);
      const decision = this.policy.decide(failure, attemptNo - 1);
      if (!decision.retry) throw this.toError(failure, attemptNo, true, billed);
      opts.onRetry?.({
        attempt: attemptNo,
        delayMs: decision.delayMs,
        error: this.toError(failure, attemptNo, false),
      });
      try {
        await raceAbort(this.sleep(decision.delayMs, opts.signal), opts.signal);
      } catch (error) {
        if (opts.signal?.aborted) throw this.cancelled(attemptNo, billed);
        throw error;
      }
    }
  }

  /** Reads a response within the size limit; past it the attempt fails with `response_too_large`. */
  private async withinLimit<T>(
    response: HttpResponse,
    read: (budget: ResponseBudget) => Promise<AttemptOutcome<T>>,
  ): Promise<AttemptOutcome<T>> {
    try {
      return await read(new ResponseBudget(this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES));
    } catch (error) {
      if (!(error instanceof ResponseTooLargeError)) throw error;
      return { ok: false, failure: tooLargeFailure(error, response.statusCode) };
    }
  }

  private async readModels(
    response: HttpResponse,
    budget: ResponseBudget,
  ): Promise<AttemptOutcome<ModelSummary[]>> {
    const read = await readBodyText(response.body, { budget });
    if (!isSuccess(response)) return { ok: false, failure: this.statusFailure(response, read) };
    const body = parseJsonBody(read.text);
    const models = readModelList(body);
    if (models) {
      const value = models.map((model) => ({
        ...model,
        id: this.scrub(model.id),
        name: this.scrub(model.name),
      }));
      return { ok: true, value };
    }
    const detail = extractErrorMessage(body) || 'no data array';
    return {
      ok: false,
      failure: {
        kind: 'unusable-body',
        code: 'upstream',
        status: response.statusCode,
        message: `The model list could not be read: ${detail}`,
        rawResponse: keptRawResponse(read),
      },
    };
  }

  private async readChat(
    response: HttpResponse,
    budget: ResponseBudget,
  ): Promise<AttemptOutcome<AttemptResult>> {
    const status = response.statusCode;
    if (!isSuccess(response)) {
      return {
        ok: false,
        failure: this.statusFailure(response, await readBodyText(response.body, { budget })),
      };
    }
    const contentType = headerValue(response.headers['content-type'])?.toLowerCase() ?? '';
    const streamed = contentType.includes('text/event-stream');
    let read: BodyText;
    let outcome: BodyOutcome;
    if (streamed) {
      // Only the answer text and the head of the raw stream are kept, so memory stays within the budget.
      const reader = new SseCompletionReader(budget);
      read = await readBodyText(response.body, {
        budget,
        keepChars: MAX_RAW_RESPONSE_CHARS,
        onPiece: (piece) => {
          reader.feed(piece);
          return !reader.finished;
        },
      });
      outcome = reader.finish();
    } else if (contentType === '' || contentType.includes('json')) {
      read = await readBodyText(response.body, { budget });
      outcome = readJsonCompletion(read.text);
    } else {
      read = await readBodyText(response.body, { budget });
      const message = describeTextBody(read.text) || `an empty ${contentType} body`;
      outcome = { ok: false, problem: { reason: 'unusable', message, contentReceived: false } };
    }
    const rawResponse = this.scrub(keptRawResponse(read));
    const headerGenerationId = headerValue(response.headers['x-generation-id']);
    if (!outcome.ok) {
      const { problem } = outcome;
      const failure = bodyProblemFailure(problem, status, rawResponse, streamed);
      return { ok: false, failure: this.billed(failure, problem.usage, headerGenerationId ?? problem.id) };
    }
    const completion = outcome.completion;
    const generationId = headerGenerationId ?? completion.id;
    if (completion.finishReason === 'length') {
      const failure: AttemptFailure = {
        kind: 'truncated',
        code: 'truncated',
        status,
        message: 'The answer was cut off at the output token limit (finish_reason "length")',
        rawResponse,
      };
      return { ok: false, failure: this.billed(failure, completion.usage, generationId) };
    }
    const result: AttemptResult = {
      content: this.scrub(completion.content),
      finishReason: this.scrubber.scrubOptional(completion.finishReason ?? undefined) ?? null,
      status,
      rawResponse,
    };
    if (completion.usage) result.usage = completion.usage;
    if (generationId) result.generationId = this.scrub(generationId);
    if (completion.provider) result.provider = this.scrub(completion.provider);
    if (completion.model) result.model = this.scrub(completion.model);
    return { ok: true, value: result };
  }

  /** The failure with what its attempt was billed, when the server reported a usage. */
  private billed(
    failure: AttemptFailure,
    usage: ChatUsage | undefined,
    generationId?: string,
  ): AttemptFailure {
    if (!usage) return failure;
    return generationId
      ? { ...failure, usage, generationId: this.scrub(generationId) }
      : { ...failure, usage };
  }

  private statusFailure(response: HttpResponse, body: BodyText): AttemptFailure {
    const retryAfter = headerValue(response.headers['retry-after']);
    const failure = httpStatusFailure(response.statusCode, body.text, retryAfter, this.now());
    return { ...failure, rawResponse: keptRawResponse(body) };
  }

  private toError(failure: AttemptFailure, attempts: number, final: boolean, billed?: Billed): DaemonError {
    const suffix = final && attempts > 1 ? ` (gave up after ${attempts} attempts)` : '';
    const data: DaemonError['data'] = { attempts, ...billedData(billed) };
    if (failure.status !== undefined) data.status = failure.status;
    if (failure.rawResponse !== undefined) data.rawResponse = this.scrub(failure.rawResponse);
    if (failure.retryAfterMs !== undefined) data.retryAfterMs = failure.retryAfterMs;
    return new DaemonError(failure.code, this.scrub(failure.message) + suffix, data, {
      cause: failure.cause,
    });
  }

  private cancelled(attempts: number, billed?: Billed): DaemonError {
    return new DaemonError('cancelled', 'The model call was cancelled', { attempts, ...billedData(billed) });
  }

  private headers(apiKey: string | undefined): Record<string, string> {
    const headers: Record<string, string> = {
      'HTTP-Referer': this.options.referer ?? DEFAULT_REFERER,
      'X-Title': this.options.title ?? DEFAULT_TITLE,
      Accept: 'text/event-stream, application/json',
    };
    if (apiKey !== undefined) headers.Authorization = `Bearer ${apiKey}`;
    return headers;
  }

  private endpoint(path: string): string {
    const base = this.options.baseUrl.trim().replace(/\/+$/, '');
    let url: URL;
    try {
      url = new URL(`${base}/${path}`);
    } catch {
      throw new DaemonError(
        'invalid_params',
        `The OpenRouter base URL "${this.scrub(base)}" is not a valid URL`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new DaemonError(
        'invalid_params',
        `The OpenRouter base URL must use http or https, not ${url.protocol}`,
      );
    }
    return url.toString();
  }

  private scrub(text: string): string {
    return this.scrubber.scrub(text);
  }
}

function isSuccess(response: HttpResponse): boolean {
  return response.statusCode >= 200 && response.statusCode < 300;
}

function chatPayload(request: ChatRequest): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    model: request.model,
    messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
  };
  if (request.temperature !== undefined) payload.temperature = request.temperature;
  if (request.maxTokens !== undefined) payload.max_tokens = request.maxTokens;
  payload.stream = true;
  // Makes OpenRouter report tokens and cost in the last event.
  payload.usage = { include: true };
  return payload;
}
