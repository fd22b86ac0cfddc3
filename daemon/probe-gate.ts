/**
 * After a pause for credits, one job goes first: every job asks the gate before it starts, the
 * first to ask is let through as the probe and the others wait. When the probe succeeds the gate
 * opens for all; when it ends otherwise (a bad answer, a cancel) the next waiting job becomes the
 * probe; a probe refused for credits again leaves the others waiting for the next resume. So a
 * resume costs at most one refused call, never a wave of them.
 */

/** How a job that passed the gate ended, as the gate needs it. */
export type ProbeOutcome = 'succeeded' | 'no_credits' | 'other';

export class ProbeGate {
  private probing = false;
  private probe: string | undefined;
  private readonly waiting: Array<() => void> = [];

  /** From now on one job at a time goes first, until one succeeds. */
  close(): void {
    this.probing = true;
    this.next();
  }

  /** Lets every waiting job through and every later one at once. */
  open(): void {
    this.probing = false;
    this.probe = undefined;
    for (const release of this.waiting.splice(0)) release();
  }

  /** Resolves when the job may start: at once unless a probe is under way or due. */
  async pass(jobId: string): Promise<void> {
    while (this.probing) {
      if (this.probe === undefined) {
        this.probe = jobId;
        return;
      }
      await new Promise<void>((release) => this.waiting.push(release));
    }
  }

  /** Told how each job that passed ended; only the probe's end changes anything. */
  ended(jobId: string, outcome: ProbeOutcome): void {
    if (!this.probing || this.probe !== jobId) return;
    this.probe = undefined;
    if (outcome === 'succeeded') this.open();
    else if (outcome === 'other') this.next();
    // Refused for credits: the queue is paused again; the others wait for the next `close`.
  }

  /** Jobs waiting behind the probe. */
  get held(): number {
    return this.waiting.length;
  }

  /** Wakes one waiting job, which becomes the probe. */
  private next(): void {
    if (this.probe === undefined) this.waiting.shift()?.();
  }
}
