/** The timer functions the scheduler uses; tests pass fake ones. */
export interface SaveTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const NODE_TIMERS: SaveTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SaveSchedulerOptions {
  /** Writes the current state; called at most once at a time. */
  save: () => Promise<void>;
  /** How long changes may gather before a save. */
  delayMs: number;
  /**
   * Told about a failed save that nobody waits on (started by a timer or by `saveSoon`), and when
   * the next try comes. A flush reports its own failure to its caller.
   */
  onError: (error: unknown, retryInMs: number) => void;
  timers?: SaveTimers;
  /**
   * Least time between the end of one save and the start of the next for saves nobody waits on
   * (`saveSoon`, the timer): while jobs finish one after another, each finish would otherwise mean
   * a full export of the file. A flush never waits for it. Default 0.
   */
  minIntervalMs?: number;
  /** Wait before trying a failed save again, doubled after each further failure up to `max`. */
  retryDelayMs?: { first: number; max: number };
  now?: () => number;
}

const DEFAULT_RETRY = { first: 1000, max: 30_000 };

/**
 * Groups many changes into few saves: a change marks the state dirty and arms one timer; the
 * timer, `saveSoon` or a flush saves once. Saves never overlap: a flush during a save waits for it,
 * then saves again only if something changed meanwhile, so callers that wait together share one
 * save. A failed save leaves the state dirty and is tried again with backoff until it succeeds.
 */
export class SaveScheduler {
  private dirty = false;
  private timer: unknown;
  private chain: Promise<void> = Promise.resolve();
  private readonly timers: SaveTimers;
  private lastSaveEnd = Number.NEGATIVE_INFINITY;
  /** Saves failed in a row; 0 after a success. */
  private failures = 0;
  /** Flushes queued and not yet started: a paced save ahead of them does not wait for the spacing. */
  private flushesWaiting = 0;
  /** The `saveSoon` save waiting for its turn or its spacing, if any. */
  private soon: Promise<void> | undefined;
  /** The spacing wait of a paced save under way, which a flush ends early. */
  private spacing: { handle: unknown; wake: () => void } | undefined;

  constructor(private readonly options: SaveSchedulerOptions) {
    this.timers = options.timers ?? NODE_TIMERS;
  }

  /** Whether there are changes no save has started writing yet. */
  get isDirty(): boolean {
    return this.dirty;
  }

  /** Records that something changed and makes sure a save follows within the delay. */
  markDirty(): void {
    this.dirty = true;
    if (this.timer === undefined) this.arm(this.options.delayMs);
  }

  /**
   * Saves now if anything changed: after the save under way, if any, and without waiting for the
   * spacing between saves, since the caller is waiting. Resolves once the state as of this call is
   * written.
   */
  flush(): Promise<void> {
    this.cancelTimer();
    this.flushesWaiting++;
    this.endSpacing();
    return this.enqueue(() => {
      this.flushesWaiting--;
    });
  }

  /**
   * Saves once the spacing since the last save (or the backoff after a failure) is over; resolves
   * once written. For changes nobody is waiting on; a failure is also told to `onError`.
   */
  saveSoon(): Promise<void> {
    this.cancelTimer();
    // One that has not begun its save yet will write these changes too: jobs finishing one after
    // another share it instead of lining up a save each.
    if (this.soon) return this.soon;
    const run = this.enqueue(async () => {
      await this.pace();
      this.soon = undefined;
    });
    this.soon = run;
    run.catch((error) => this.options.onError(error, this.retryDelay()));
    return run;
  }

  /** Stops the timer without saving; pending changes are left to a final flush. */
  cancelTimer(): void {
    if (this.timer === undefined) return;
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private enqueue(before: () => void | Promise<void>): Promise<void> {
    const run = this.chain.then(before).then(() => this.saveIfDirty());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Arms the timer: the gathering delay (the save then keeps to the spacing) or a retry's backoff. */
  private arm(ms: number, retry = false): void {
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      if (retry)
        this.enqueue(() => undefined).catch((error) => this.options.onError(error, this.retryDelay()));
      else this.saveSoon().catch(() => undefined); // told to onError
    }, ms);
  }

  /** Waits out the rest of the spacing (or of the backoff) since the last save, unless a flush waits. */
  private async pace(): Promise<void> {
    const now = this.options.now ?? Date.now;
    const spacing = this.failures > 0 ? this.retryDelay() : (this.options.minIntervalMs ?? 0);
    const wait = this.lastSaveEnd + spacing - now();
    if (wait <= 0 || !this.dirty || this.flushesWaiting > 0) return;
    await new Promise<void>((resolve) => {
      const wake = () => {
        this.spacing = undefined;
        resolve();
      };
      this.spacing = { handle: this.timers.setTimeout(wake, wait), wake };
    });
  }

  private endSpacing(): void {
    if (!this.spacing) return;
    this.timers.clearTimeout(this.spacing.handle);
    this.spacing.wake();
  }

  private retryDelay(): number {
    const { first, max } = this.options.retryDelayMs ?? DEFAULT_RETRY;
    return Math.min(max, first * 2 ** Math.max(0, this.failures - 1));
  }

  private async saveIfDirty(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const now = this.options.now ?? Date.now;
    try {
      await this.options.save();
      this.failures = 0;
      this.lastSaveEnd = now();
    } catch (error) {
      // The changes stay owed, and are tried again after the backoff even if nothing else changes.
      this.dirty = true;
      this.failures++;
      this.lastSaveEnd = now();
      if (this.timer === undefined) this.arm(this.retryDelay(), true);
      throw error;
    }
  }
}
