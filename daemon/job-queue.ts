/**
 * The concurrency limit on running jobs. With the queue off every job starts at once. Waiting jobs
 * run by priority (higher first), then in the order they were added.
 *
 * A group (a batch) may have a limit of its own, which overrides the workspace limit for its jobs:
 * at most that many of them run at once, in a line of their own, so they neither wait for nor take
 * the workspace's slots, and a settings change or another batch leaves the limit as it is.
 */
import PQueue from 'p-queue';

export interface QueueSettings {
  enabled: boolean;
  maxConcurrent: number;
}

/** Where a task stands in line: a job gives its own (a `Job` is one). */
export interface QueuePlace {
  /** Higher runs first; default 0. */
  priority?: number;
  /** The group whose limit (see `limitGroup`) the task runs under, if it has one. */
  batchId?: string;
}

export class JobQueue {
  private readonly shared: PQueue;
  private settings: QueueSettings;
  /** The lines of groups with a limit of their own. */
  private readonly groups = new Map<string, PQueue>();
  /** Lines of groups whose limit was lifted, kept until the tasks already in them are done. */
  private readonly retired = new Set<PQueue>();
  /** Numbers the tasks in the order they were added, for `dropWaiting`. */
  private added = 0;
  /** Per group, the number of the last task `dropWaiting` dropped: that one and earlier never start. */
  private readonly droppedUpTo = new Map<string, number>();

  constructor(settings: QueueSettings) {
    this.settings = settings;
    this.shared = new PQueue({ concurrency: JobQueue.concurrencyOf(settings) });
  }

  private static concurrencyOf(settings: QueueSettings): number {
    return settings.enabled ? settings.maxConcurrent : Number.POSITIVE_INFINITY;
  }

  /** Takes effect for jobs not yet started; running ones finish as they are. Group limits stay. */
  configure(settings: QueueSettings): void {
    this.settings = settings;
    this.shared.concurrency = JobQueue.concurrencyOf(settings);
  }

  get info(): QueueSettings {
    return { ...this.settings };
  }

  /**
   * At most `limit` tasks of `group` run at once, whatever the workspace limit and even with the
   * queue off (undefined: the group's later tasks join the workspace's line). A lower limit lets
   * running tasks finish; a higher one starts waiting ones.
   */
  limitGroup(group: string, limit: number | undefined): void {
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
      throw new RangeError(`A group limit must be a positive integer, got ${limit}`);
    }
    const line = this.groups.get(group);
    if (limit === undefined) {
      if (!line) return;
      this.groups.delete(group);
      this.retired.add(line);
      void line.onIdle().then(() => this.retired.delete(line));
      return;
    }
    if (line) {
      line.concurrency = limit;
      return;
    }
    const created = new PQueue({ concurrency: limit });
    if (this.shared.isPaused) created.pause();
    this.groups.set(group, created);
  }

  /** Runs `task` when its line has a free slot. The promise settles with the task. */
  add(task: () => Promise<void>, place: QueuePlace = {}): Promise<void> {
    const group = place.batchId;
    const line = (group !== undefined && this.groups.get(group)) || this.shared;
    const options = { priority: place.priority ?? 0 };
    if (group === undefined) return line.add(task, options);
    const number = ++this.added;
    return line.add(
      () => (number <= (this.droppedUpTo.get(group) ?? 0) ? Promise.resolve() : task()),
      options,
    );
  }

  /**
   * The tasks of `group` added so far that have not started never will (their promises resolve
   * without running them); tasks added later run as usual. With `andLater`, tasks added later are
   * dropped too, until the next call without it: cancelling thousands of waiting jobs takes several
   * turns of the event loop, and none of them starts in between, not even one whose task was added
   * meanwhile (a batch still being queued) when a running job's end frees a slot.
   */
  dropWaiting(group: string, andLater = false): void {
    this.droppedUpTo.set(group, andLater ? Number.POSITIVE_INFINITY : this.added);
  }

  get waiting(): number {
    return this.lines().reduce((sum, line) => sum + line.size, 0);
  }

  get running(): number {
    return this.lines().reduce((sum, line) => sum + line.pending, 0);
  }

  /** Resolves when nothing waits and nothing runs. */
  async onIdle(): Promise<void> {
    await Promise.all(this.lines().map((line) => line.onIdle()));
  }

  /** Drops the tasks not yet started; the promises `add` returned for them never settle. */
  clearWaiting(): void {
    for (const line of this.lines()) line.clear();
  }

  /** Stops starting waiting jobs (running ones go on) until `resume`. */
  pause(): void {
    for (const line of this.lines()) line.pause();
  }

  resume(): void {
    for (const line of this.lines()) line.start();
  }

  get paused(): boolean {
    return this.shared.isPaused;
  }

  private lines(): PQueue[] {
    return [this.shared, ...this.groups.values(), ...this.retired];
  }
}
