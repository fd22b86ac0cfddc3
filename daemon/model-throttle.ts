/**
 * Per-model slow-down: when the server asks one model's caller to wait (a 429 or 503 with
 * `Retry-After`), later calls to that model wait out the same time before they start, while calls to
 * other models go on. The call that got the answer already waits inside its own retry.
 */
import { DaemonError } from './daemon-error';
import type { ModelCaller } from './job-runner';

export interface ThrottleClock {
  now: () => number;
  /** Resolves after `ms`, or rejects when `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Statuses whose `Retry-After` speaks for the model, not just for one request. */
const SLOW_DOWN_STATUSES = new Set([429, 503]);

export class ModelThrottle {
  private readonly until = new Map<string, number>();

  constructor(private readonly clock: ThrottleClock) {}

  /** When calls to `model` may start again (ms since the epoch), if they must wait. */
  waitingUntil(model: string): number | undefined {
    const until = this.until.get(model);
    if (until === undefined || until <= this.clock.now()) {
      this.until.delete(model);
      return undefined;
    }
    return until;
  }

  slowDown(model: string, ms: number): void {
    const until = this.clock.now() + ms;
    if (until > (this.until.get(model) ?? 0)) this.until.set(model, until);
  }

  /** Wraps a model caller so that it honours and records per-model waits. */
  wrap(call: ModelCaller): ModelCaller {
    return async (request, options) => {
      for (
        let until = this.waitingUntil(request.model);
        until !== undefined;
        until = this.waitingUntil(request.model)
      ) {
        // Shown like a retry wait, so the job says why it is not calling yet.
        options.onRetry({
          attempt: 0,
          delayMs: until - this.clock.now(),
          error: new DaemonError('rate_limited', `The server asked to slow down calls to ${request.model}`),
        });
        await this.clock.sleep(until - this.clock.now(), options.signal);
      }
      return call(request, {
        ...options,
        onRetry: (notice) => {
          const { status, retryAfterMs } = notice.error.data;
          if (retryAfterMs !== undefined && status !== undefined && SLOW_DOWN_STATUSES.has(status)) {
            this.slowDown(request.model, retryAfterMs);
          }
          options.onRetry(notice);
        },
      });
    };
  }
}
