/**
 * When a failed model-call attempt is tried again, and how long to wait first. Pure: randomness
 * and the clock come in as parameters.
 */

/** What went wrong in one attempt, as far as retrying is concerned. */
export type FailureKind =
  /** The server answered with an HTTP error status (or an error body carrying one). */
  | 'http'
  /** No answer: refused, reset or dropped before the response headers. */
  | 'connection'
  /** The attempt ran past its time limit (headers and body together). */
  | 'timeout'
  /** The response started but its body ended early. */
  | 'cut-off'
  /** An error event (or `finish_reason: "error"`) inside a streamed answer. */
  | 'mid-stream'
  /** A success status with a body that holds no completion (HTML, plain text, no choices). */
  | 'unusable-body'
  /** The answer hit the token limit (`finish_reason: "length"`). */
  | 'truncated'
  /** The response passed the size limit: another attempt would most likely do the same. */
  | 'too-large'
  /** The caller aborted. */
  | 'cancelled';

/** The facts about a failed attempt that the retry decision depends on. */
export interface RetryFacts {
  kind: FailureKind;
  /** HTTP status, for `http` failures. */
  status?: number;
  /** Server-requested wait (from `Retry-After`), in ms. */
  retryAfterMs?: number;
  /** Whether any answer text had arrived before a `mid-stream` error. */
  contentReceived?: boolean;
}

export interface RetryPolicyOptions {
  /** Retries after the first attempt; 0 means one attempt only. */
  maxRetries: number;
  /** Backoff before retry k is `baseMs * 2^(k-1)` plus jitter. */
  baseMs: number;
  /** No wait exceeds this, `Retry-After` included. Default 60 000. */
  maxDelayMs?: number;
  /** Jitter adds up to this fraction of the exponential delay. Default 0.5. */
  jitterRatio?: number;
  /** Uniform in [0, 1). Default `Math.random`. */
  random?: () => number;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

export const DEFAULT_MAX_DELAY_MS = 60_000;
const DEFAULT_JITTER_RATIO = 0.5;

/** Statuses a server uses for "try again later". 402 joins them only with a `Retry-After`. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Decides whether and when to retry a failed attempt. */
export class RetryPolicy {
  readonly maxRetries: number;
  private readonly baseMs: number;
  private readonly maxDelayMs: number;
  private readonly jitterRatio: number;
  private readonly random: () => number;

  constructor(options: RetryPolicyOptions) {
    this.maxRetries = Math.max(0, Math.floor(options.maxRetries));
    this.baseMs = Math.max(0, options.baseMs);
    this.maxDelayMs = Math.max(0, options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
    this.jitterRatio = Math.max(0, options.jitterRatio ?? DEFAULT_JITTER_RATIO);
    this.random = options.random ?? Math.random;
  }

  /** Whether a failure of this kind is worth another attempt at all, ignoring the retry budget. */
  isRetryable(facts: RetryFacts): boolean {
    switch (facts.kind) {
      case 'connection':
      case 'timeout':
      case 'cut-off':
      case 'unusable-body':
        return true;
      case 'mid-stream':
        // Once text has arrived a retry would pay for the same tokens again and may answer differently.
        return !facts.contentReceived;
      case 'http':
        if (facts.status === undefined) return false;
        if (facts.status === 402) return facts.retryAfterMs !== undefined;
        return RETRYABLE_STATUSES.has(facts.status);
      case 'truncated':
      case 'too-large':
      case 'cancelled':
        return false;
    }
  }

  /**
   * The wait before retry `k` (1 for the first retry). A server-requested wait wins over the
   * exponential backoff; either is capped at `maxDelayMs`.
   */
  delayMs(k: number, retryAfterMs?: number): number {
    if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), this.maxDelayMs);
    const exponential = this.baseMs * 2 ** Math.max(0, k - 1);
    const jitter = exponential * this.jitterRatio * clampUnit(this.random());
    return Math.min(Math.round(exponential + jitter), this.maxDelayMs);
  }

  /** Given a failure after `retriesDone` retries, whether to try again and after how long. */
  decide(facts: RetryFacts, retriesDone: number): RetryDecision {
    if (retriesDone >= this.maxRetries || !this.isRetryable(facts)) return { retry: false };
    return { retry: true, delayMs: this.delayMs(retriesDone + 1, facts.retryAfterMs) };
  }
}

/**
 * Reads a `Retry-After` header: delta seconds or an HTTP date (measured from `nowMs`). Returns ms,
 * never negative, or undefined when the value is absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Bare numbers that are not plain seconds (negative, exponent) are not dates either.
  if (/^[-+]?[\d.e]+$/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return Math.min(value, 1);
}
