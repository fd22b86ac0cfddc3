/**
 * Per-model limit of model-call attempts at once that adapts to the server's pushback, as TCP's
 * congestion window does (additive increase, multiplicative decrease): an attempt the provider
 * calls overloaded (OpenRouter: a 429 or 503) halves the attempts allowed to that model at once
 * (never below one), each successful attempt adds one back, and a model back at the queue's limit
 * is limited no more. A `Retry-After` delays only the call that got it (the client waits it out
 * before its own retry): other calls to the model go on within the lowered limit instead of all
 * stopping. Calls waiting out a retry hold no place.
 */
import type { ModelCaller } from './job-runner';
import type { AttemptEnd, CallOptions, ChatRequest, ChatResult } from './provider/chat-call';

/** The model call the throttle wraps: the provider client's, which asks the gate before each attempt. */
export type GatedCaller = (request: ChatRequest, options: CallOptions) => Promise<ChatResult>;

interface Waiter {
  admit: () => void;
}

/** One model's state while it has attempts under way or is limited. */
interface ModelWindow {
  /** Attempts allowed at once; infinite while the model is not limited (the queue's limit holds). */
  limit: number;
  /** Attempts under way. */
  running: number;
  waiting: Waiter[];
  /** Counts the decreases: answers to attempts begun before the last one count as the same overload. */
  epoch: number;
}

export class ModelThrottle {
  private readonly windows = new Map<string, ModelWindow>();

  /** @param ceiling the most attempts at once a model gets back to (the queue's limit) */
  constructor(private readonly ceiling: () => number) {}

  /** Attempts allowed at once to `model`, or undefined while it is not limited. */
  limitOf(model: string): number | undefined {
    const limit = this.windows.get(model)?.limit;
    return limit === undefined || limit === Number.POSITIVE_INFINITY ? undefined : limit;
  }

  /** Wraps a model caller so that each of its attempts passes the model's gate. */
  wrap(call: GatedCaller): ModelCaller {
    return (request, options) =>
      call(request, { ...options, gate: (signal) => this.enter(request.model, signal) });
  }

  /** Resolves when an attempt to `model` may start, with the function that reports its end. */
  enter(model: string, signal?: AbortSignal): Promise<(end: AttemptEnd) => void> {
    const window = this.windowOf(model);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const start = (): void => {
        signal?.removeEventListener('abort', onAbort);
        window.running += 1;
        const epoch = window.epoch;
        let done = false;
        resolve((end) => {
          if (done) return;
          done = true;
          this.leave(model, window, epoch, end);
        });
      };
      const waiter: Waiter = { admit: start };
      const onAbort = (): void => {
        window.waiting.splice(window.waiting.indexOf(waiter), 1);
        reject(signal?.reason);
      };
      if (window.running < window.limit && window.waiting.length === 0) {
        start();
        return;
      }
      window.waiting.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private windowOf(model: string): ModelWindow {
    let window = this.windows.get(model);
    if (!window) {
      window = { limit: Number.POSITIVE_INFINITY, running: 0, waiting: [], epoch: 0 };
      this.windows.set(model, window);
    }
    return window;
  }

  private leave(model: string, window: ModelWindow, epoch: number, end: AttemptEnd): void {
    window.running -= 1;
    if (end.ok) {
      // Back at the queue's limit, the model is limited no more (a batch may allow more at once).
      window.limit = window.limit + 1 >= this.ceiling() ? Number.POSITIVE_INFINITY : window.limit + 1;
    } else if (end.overloaded && epoch === window.epoch) {
      // The first pushback halves what was under way, the ended attempt included.
      const allowed = Number.isFinite(window.limit) ? window.limit : window.running + 1;
      window.limit = Math.max(1, Math.floor(allowed / 2));
      window.epoch += 1;
    }
    while (window.running < window.limit && window.waiting.length > 0) window.waiting.shift()?.admit();
    if (window.running === 0 && window.waiting.length === 0 && window.limit === Number.POSITIVE_INFINITY) {
      this.windows.delete(model);
    }
  }
}
