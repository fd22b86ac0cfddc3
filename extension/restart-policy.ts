/**
 * When to restart a daemon that died, and when to stop trying. Pure: the clock comes in as a
 * parameter so the decision can be tested without waiting.
 */
export interface RestartPolicyOptions {
  /** Crashes within `windowMs` after which we give up. */
  maxCrashes: number;
  windowMs: number;
  /** Delay before the first restart; doubled for each further crash in the window. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export type RestartDecision = { giveUp: true } | { giveUp: false; delayMs: number };

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  maxCrashes: 5,
  windowMs: 3 * 60_000,
  baseDelayMs: 300,
  maxDelayMs: 10_000,
};

export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    private readonly options: RestartPolicyOptions = DEFAULT_RESTART_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a crash now and says whether (and after how long) to restart. */
  recordCrash(): RestartDecision {
    const at = this.now();
    this.crashes = this.crashes.filter((time) => at - time < this.options.windowMs);
    this.crashes.push(at);
    if (this.crashes.length >= this.options.maxCrashes) return { giveUp: true };
    const delayMs = Math.min(
      this.options.maxDelayMs,
      this.options.baseDelayMs * 2 ** (this.crashes.length - 1),
    );
    return { giveUp: false, delayMs };
  }

  /** Forgets earlier crashes, after the user asks for a restart. */
  reset(): void {
    this.crashes = [];
  }

  get recentCrashes(): number {
    return this.crashes.length;
  }
}
