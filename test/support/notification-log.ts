/**
 * The notifications of one method a spawned daemon has sent, kept in order, with a way to wait for
 * one that matches.
 */

export class NotificationLog<T> {
  /** Every notification received so far, in order. */
  readonly received: T[] = [];
  private readonly waiters: { predicate: (item: T) => boolean; resolve: (item: T) => void }[] = [];

  /**
   * @param method the notification's method, for error messages
   * @param stderr the daemon's log so far, quoted when a wait fails
   * @param exited settles when the daemon ends; pending waits then fail at once
   */
  constructor(
    private readonly method: string,
    private readonly stderr: () => string,
    private readonly exited: Promise<unknown>,
  ) {}

  /** Records a notification and hands it to the waits it matches. */
  push(item: T): void {
    this.received.push(item);
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate(item)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(item);
      }
    }
  }

  /** Resolves with the first notification matching `predicate`, past or future. */
  waitFor(predicate: (item: T) => boolean, timeoutMs = 20_000): Promise<T> {
    const seen = this.received.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(
          new Error(
            `no matching ${this.method} within ${timeoutMs} ms; stderr:\n${this.stderr().slice(-2000)}`,
          ),
        );
      }, timeoutMs);
      const waiter = {
        predicate,
        resolve: (item: T) => {
          clearTimeout(timer);
          resolve(item);
        },
      };
      this.waiters.push(waiter);
      void this.exited.then(() => {
        if (this.waiters.includes(waiter)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          clearTimeout(timer);
          reject(new Error(`daemon exited while waiting; stderr:\n${this.stderr().slice(-2000)}`));
        }
      });
    });
  }
}
