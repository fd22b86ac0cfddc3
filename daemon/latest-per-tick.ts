/**
 * Hands on only the latest value per key once per turn of the event loop. A batch's progress
 * changes with every job change, and a batch start announces all its jobs in one turn: a thousand
 * progress notifications that no client could tell apart from the last one. Values of other keys,
 * and values of later turns, all go out.
 */
export class LatestPerTick<T> {
  private readonly waiting = new Map<string, T>();
  private scheduled = false;

  constructor(
    private readonly deliver: (value: T) => void,
    private readonly defer: (run: () => void) => void = setImmediate,
  ) {}

  push(key: string, value: T): void {
    // Deleted first so that the map's order is the order of the latest changes.
    this.waiting.delete(key);
    this.waiting.set(key, value);
    if (this.scheduled) return;
    this.scheduled = true;
    this.defer(() => this.flush());
  }

  /** Delivers what waits now, e.g. before the process exits. */
  flush(): void {
    this.scheduled = false;
    const values = [...this.waiting.values()];
    this.waiting.clear();
    for (const value of values) this.deliver(value);
  }
}
