/**
 * The seam between AppGen's core and a model provider: what OpenRouter (`daemon/openrouter/`) is
 * to the daemon, and what a second provider (an OpenAI-compatible server on this machine, say)
 * implements in a folder of its own. `main.ts` picks the provider and hands it the settings; the
 * core never names one.
 */
import type { JobError } from '../../shared/errors';
import type { SecretScrubber } from '../secret-scrubber';
import type { CallOptions, ChatRequest, ChatResult, ChatUsage, ModelSummary } from './chat-call';

/** The settings a provider's client is made from (the daemon's settings, `shared/settings.ts`). */
export interface ProviderSettings {
  /** The API's base URL, e.g. `https://openrouter.ai/api/v1`. */
  baseUrl: string;
  /** Never logged, never in argv; undefined when none is set. */
  apiKey: string | undefined;
  /** Takes keys out of every string the server sends back; the client tells it of `apiKey`. */
  scrubber: SecretScrubber;
  /** Retries of a call after its first attempt. */
  maxRetries: number;
  /** Wait before the first retry, doubled for each further one (a `Retry-After` wins). */
  backoffBaseMs: number;
  /** One attempt's limit, headers and body together; 0 means none. */
  timeoutMs: number;
  /** Most bytes of one response held; past it the call fails with `response_too_large`. */
  maxResponseBytes: number;
}

/**
 * One provider's client for the settings in force. Every failure is a `DaemonError` with a code of
 * `shared/errors.ts`, `data.attempts`, and what failed attempts were billed (`data.usage`,
 * `data.generationIds`); an aborted signal fails the call at once with `cancelled`. No string it
 * returns or throws holds the key.
 */
export interface ModelClient {
  /**
   * One chat completion with retries (backoff, `Retry-After`), each attempt let through by
   * `options.gate` and reported to it as it ends.
   */
  complete(request: ChatRequest, options?: CallOptions): Promise<ChatResult>;
  /** The models the provider serves, with their prices when it publishes them. */
  listModels(options?: Pick<CallOptions, 'signal'>): Promise<ModelSummary[]>;
}

/**
 * What a job's failure means beyond the job. `out_of_credits`: every further call would be refused
 * too, so waiting jobs stay queued and the queue pauses until the user resumes (queue-pause.ts).
 */
export type FailureMeaning = 'out_of_credits' | 'this_job_only';

/** An answer read back from what an earlier call of the provider kept (see kept-answer.ts). */
export interface KeptCompletion {
  content: string;
  finishReason: string | null;
  usage?: ChatUsage;
  generationId?: string;
  provider?: string;
  model?: string;
}

export interface ModelProvider {
  /** How messages name it, e.g. `OpenRouter`. */
  readonly name: string;
  /** A client for these settings; made per call, so a changed setting applies to the next call. */
  connect(settings: ProviderSettings): ModelClient;
  /** What a job that failed with `error` (a code its client threw) means for the other jobs. */
  failureMeaning(error: JobError): FailureMeaning;
  /**
   * The answer in `rawResponse` when `sent` (the request body a call kept, `ChatResult.requestPayload`)
   * asked what `request` asks and the body holds a whole answer; undefined otherwise. Lets a job
   * resumed after a crash use an answer already paid for.
   */
  keptAnswer(
    sent: Record<string, unknown>,
    rawResponse: string,
    request: ChatRequest,
  ): KeptCompletion | undefined;
}
