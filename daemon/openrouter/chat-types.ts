/** The data that goes into and comes out of one model call. */
import type { DaemonError } from '../daemon-error';
import type { ChatUsage } from './completion';

export type { ChatUsage } from './completion';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  /** OpenRouter model id, e.g. `openai/gpt-4o`. */
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
  /** OpenRouter's generation id (`X-Generation-Id`, else the response `id`). */
  generationId?: string;
  /**
   * Generation ids of earlier attempts that failed yet were billed; their usage is in `usage`,
   * since it was paid for this call.
   */
  billedGenerationIds?: string[];
  provider?: string;
  /** The model that answered, as the server names it. */
  model?: string;
  /** Attempts made, the successful one included. */
  attempts: number;
  /** HTTP status of the final attempt. */
  status: number;
  /** From the first attempt's start to the end of the last. */
  durationMs: number;
  /** The JSON body that was sent (no key, no headers). */
  requestPayload: unknown;
  /** The raw body text of the final attempt. */
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

/** How an attempt ended, for a limit of calls at once that adapts to the server. */
export interface AttemptEnd {
  ok: boolean;
  /** HTTP status of a failed attempt, when response headers arrived. */
  status?: number;
}

/**
 * Resolves when an attempt may start, with the function to call once it has ended; rejects with
 * the signal's reason when the signal aborts first, and then holds nothing.
 */
export type AttemptGate = (signal?: AbortSignal) => Promise<(end: AttemptEnd) => void>;

/** One entry of the server's model list. */
export interface ModelSummary {
  id: string;
  name: string;
  /** USD per prompt token, when published. */
  promptPrice?: number;
  /** USD per completion token, when published. */
  completionPrice?: number;
  contextLength?: number;
}
