/**
 * At most `limit` checks at once, in the order asked, apart from model calls: a batch keeps calling
 * models while its apps are checked. Waiting tasks can be dropped (the daemon stopping).
 */
export class CheckLimiter {
  private active = 0;
  private readonly waiting: { run: () => Promise<void>; dropped: () => void }[] = [];

  constructor(private limit: number) {}

  /** Changes the limit; more waiting tasks start at once when it grows. */
  setLimit(limit: number): void {
    this.limit = limit;
    this.next();
  }

  /**
   * Runs `task` when a place is free. `dropped` is called instead if the task is dropped while it
   * waits. Never rejects: the task handles its own errors.
   */
  add(task: () => Promise<void>, dropped: () => void = () => {}): void {
    this.waiting.push({ run: task, dropped });
    this.next();
  }

  get running(): number {
    return this.active;
  }

  /** Drops every waiting task (calling its `dropped`); running ones go on. */
  dropWaiting(): void {
    for (const task of this.waiting.splice(0)) task.dropped();
  }

  private next(): void {
    while (this.active < this.limit && this.waiting.length > 0) {
      const task = this.waiting.shift()!;
      this.active++;
      void task
        .run()
        .catch(() => undefined)
        .finally(() => {
          this.active--;
          this.next();
        });
    }
  }
}
