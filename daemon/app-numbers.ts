/**
 * Hands out app numbers: a new job of a model gets the number after the highest one known, in the
 * history or on disk, or handed out already (concurrent starts never share one).
 */

export class AppNumbers {
  /** Highest app number handed out per model slug. */
  private readonly reserved = new Map<string, number>();

  /** `highestKnown`: the highest number the history and the output folder hold for a model. */
  constructor(private readonly highestKnown: (slug: string, outputDir: string) => number) {}

  /**
   * The next number for a model in an output folder. `found` is shared by the jobs of one batch
   * while they are prepared, so that a batch of thousands reads the history and disk once per model.
   */
  next(slug: string, outputDir: string, found?: Map<string, number>): number {
    const key = `${outputDir}\0${slug}`;
    const highest = found?.get(key) ?? this.highestKnown(slug, outputDir);
    found?.set(key, highest);
    const next = Math.max(this.reserved.get(slug) ?? 0, highest) + 1;
    this.reserved.set(slug, next);
    return next;
  }

  /** Counts a number a request chose itself as handed out. */
  taken(slug: string, appNum: number): void {
    this.reserved.set(slug, Math.max(this.reserved.get(slug) ?? 0, appNum));
  }
}
