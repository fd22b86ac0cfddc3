/**
 * Waiting for a started app to answer `GET /api/health` with 2xx: polled with a short backoff,
 * up to a limit, and given up at once when the app's process ends. A pause ends early when the app
 * prints something: servers say they listen (Flask's "Running on ...") the moment they do, so the
 * next request goes out then instead of up to a pause later.
 */
import type { AppExit } from './app-process';
import type { HttpAnswer } from './probe-http';

export type HealthWait =
  | { ok: true }
  | { ok: false; exit: AppExit }
  | { ok: false; exit?: undefined; last?: HttpAnswer };

export interface HealthWaitOptions {
  /** One health request, bounded by `timeoutMs`. */
  ask: (timeoutMs: number) => Promise<HttpAnswer>;
  /** Resolves when the app's process ends. */
  exited: Promise<AppExit>;
  limitMs: number;
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Resolves when the app next prints something (a reason to ask again at once). */
  printed?: () => Promise<void>;
}

/** The longest one health request may take before it is asked again. */
export const HEALTH_REQUEST_MS = 2_000;
const BACKOFF_MS = [20, 40, 80, 100];
/** The shortest pause even when the app prints: one that prints all the time is not asked in a loop. */
export const MIN_PAUSE_MS = 5;

export async function waitForHealth(options: HealthWaitOptions): Promise<HealthWait> {
  const { ask, limitMs, clock, sleep } = options;
  const end = clock() + limitMs;
  let exit: AppExit | undefined;
  void options.exited.then((value) => {
    exit = value;
  });
  const ended = options.exited.then((value) => ({ ended: value }));
  let last: HttpAnswer | undefined;
  for (let attempt = 0; ; attempt++) {
    if (exit) return { ok: false, exit };
    const left = end - clock();
    if (left <= 0) return { ok: false, last };
    const asked = await Promise.race([ask(Math.min(HEALTH_REQUEST_MS, left)), ended]);
    if ('ended' in asked) return { ok: false, exit: asked.ended };
    last = asked;
    if (asked.status !== undefined && asked.status >= 200 && asked.status < 300) return { ok: true };
    const pause = Math.min(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]!, Math.max(0, end - clock()));
    const woke = await Promise.race([
      sleep(pause).then(() => undefined),
      ...(options.printed
        ? [options.printed().then(() => sleep(Math.min(MIN_PAUSE_MS, pause)).then(() => undefined))]
        : []),
      ended,
    ]);
    if (woke) return { ok: false, exit: woke.ended };
  }
}
