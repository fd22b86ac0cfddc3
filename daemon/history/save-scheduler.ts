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
  /** Told about a save started by the timer that failed (a flush reports its own failure). */
  onError: (error: unknown) => void;
  timers?: SaveTimers;
  /**
   * Least time between the end of one save and the start of the next, even for a flush: while
   * jobs finish one after another, each finish would otherwise mean a full export of the file.
   * Default 0.
   */
  minIntervalMs?: number;
  now?: () => number;
}

/**
 * Groups many changes into few saves: a change marks the state dirty and arms one timer; the
 * timer or an explicit flush saves once. Saves never overlap: a flush during a save waits for it,
 * then saves again only if something changed meanwhile.
 */
export class SaveScheduler {
  private dirty = false;
  private timer: unknown;
  private chain: Promise<void> = Promise.resolve();
  private readonly timers: SaveTimers;
  private lastSaveEnd = Number.NEGATIVE_INFINITY;

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
    if (this.timer !== undefined) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(this.options.onError);
    }, this.options.delayMs);
  }

  /** Saves now if anything changed; resolves once the state as of this call is written. */
  flush(): Promise<void> {
    this.cancelTimer();
    const run = this.chain.then(() => this.pace()).then(() => this.saveIfDirty());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Stops the timer without saving; pending changes are left to a final flush. */
  cancelTimer(): void {
    if (this.timer === undefined) return;
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Waits out the rest of the minimum interval since the last save, if any is left. */
  private async pace(): Promise<void> {
    const now = this.options.now ?? Date.now;
    const wait = this.lastSaveEnd + (this.options.minIntervalMs ?? 0) - now();
    if (wait > 0 && this.dirty) await new Promise<void>((resolve) => this.timers.setTimeout(resolve, wait));
  }

  private async saveIfDirty(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    try {
      await this.options.save();
      this.lastSaveEnd = (this.options.now ?? Date.now)();
    } catch (error) {
      // Keep the changes owed so that the next flush tries again.
      this.dirty = true;
      throw error;
    }
  }
}
