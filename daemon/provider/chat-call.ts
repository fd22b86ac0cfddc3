/**
 * The data that goes into and comes out of one model call, whatever provider makes it. The core
 * (job runner, throttle, model catalog, cost estimate) speaks only these types; a provider
 * (`daemon/openrouter/`) turns them into its wire format and back.
 */
import type { Usage } from '../../shared/job';
import type { DaemonError } from '../daemon-error';

/** Token counts and cost of one model call (the job's `Usage`). */
export type ChatUsage = Usage;

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  /** The provider's model id, e.g. OpenRouter's `openai/gpt-4o`. */
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
}

/** A successful model call. */
export interface ChatResult {
  content: string;
  finishReason: string | null;
  usage?: ChatUsage;
  /** The id the provider bills the answer under (OpenRouter's generation id). */
  generationId?: string;
  /**
   * Generation ids of earlier attempts that failed yet were billed; their usage is in `usage`,
   * since it was paid for this call.
   */
  billedGenerationIds?: string[];
  /** Who served the answer behind the provider (OpenRouter routes to many), when it says. */
  provider?: string;
  /** The model that answered, as the server names it. */
  model?: string;
  /** Attempts made, the successful one included. */
  attempts: number;
  /** HTTP status of the final attempt. */
  status: number;
  /** From the first attempt's start to the end of the last. */
  durationMs: number;
  /** The body that was sent (no key, no headers), kept in the artifacts. */
  requestPayload: unknown;
  /** The raw body text of the final attempt, kept in the artifacts. */
  rawResponse: string;
}

/** Told before waiting to retry. */
export interface RetryNotice {
  /** The attempt that failed (1 for the first); the next one is `attempt + 1`. */
  attempt: number;
  /** How long the client waits before the next attempt. */
  delayMs: number;
  /** Why the attempt failed. */
  error: DaemonError;
}

/** Per-call hooks and cancellation. */
export interface CallOptions {
  /** Aborts the call at once, also while waiting to retry; it then fails with `cancelled`. */
  signal?: AbortSignal;
  onRetry?: (notice: RetryNotice) => void;
  /** Told as each attempt starts (1, 2, ...). */
  onAttempt?: (attempt: number) => void;
  /** Holds each attempt until it may start (a limit of calls at once); not the waits between them. */
  gate?: AttemptGate;
}

/** How an attempt ended, for a limit of calls at once that adapts to the server (model-throttle.ts). */
export interface AttemptEnd {
  ok: boolean;
  /**
   * The provider's word that the server pushed back (too many requests, overloaded) rather than
   * this one request failing: the model's limit of attempts at once is lowered.
   */
  overloaded?: boolean;
}

/**
 * Resolves when an attempt may start, with the function to call once it has ended; rejects with
 * the signal's reason when the signal aborts first, and then holds nothing.
 */
export type AttemptGate = (signal?: AbortSignal) => Promise<(end: AttemptEnd) => void>;

/** USD per token of one model, when the provider publishes them. */
export interface ModelPrices {
  promptPrice?: number;
  completionPrice?: number;
}

/** One entry of the provider's model list. */
export interface ModelSummary extends ModelPrices {
  id: string;
  name: string;
  contextLength?: number;
}
