/**
 * The concurrency limit on running jobs. With the queue off every job starts at once. Waiting jobs
 * run by priority (higher first), then in the order they were added.
 */
import PQueue from 'p-queue';

export interface QueueSettings {
  enabled: boolean;
  maxConcurrent: number;
}

export class JobQueue {
  private readonly queue: PQueue;
  private settings: QueueSettings;

  constructor(settings: QueueSettings) {
    this.settings = settings;
    this.queue = new PQueue({ concurrency: JobQueue.concurrencyOf(settings) });
  }

  private static concurrencyOf(settings: QueueSettings): number {
    return settings.enabled ? settings.maxConcurrent : Number.POSITIVE_INFINITY;
  }

  /** Takes effect for jobs not yet started; running ones finish as they are. */
  configure(settings: QueueSettings): void {
    this.settings = settings;
    this.queue.concurrency = JobQueue.concurrencyOf(settings);
  }

  get info(): QueueSettings {
    return { ...this.settings };
  }

  /** Runs `task` when a slot is free. The returned promise settles with the task. */
  add(task: () => Promise<void>, priority = 0): Promise<void> {
    return this.queue.add(task, { priority });
  }

  get waiting(): number {
    return this.queue.size;
  }

  get running(): number {
    return this.queue.pending;
  }

  /** Resolves when nothing waits and nothing runs. */
  onIdle(): Promise<void> {
    return this.queue.onIdle();
  }

  /** Drops the tasks not yet started; the promises `add` returned for them never settle. */
  clearWaiting(): void {
    this.queue.clear();
  }

  /** Stops starting waiting jobs (running ones go on) until `resume`. */
  pause(): void {
    this.queue.pause();
  }

  resume(): void {
    this.queue.start();
  }

  get paused(): boolean {
    return this.queue.isPaused;
  }
}
