/**
 * A batch's jobs with their counts by status and their cost kept up to date on every change, so
 * reporting progress after each change costs the same at 10 jobs and at 10,000.
 */
import type { Job, JobStatus } from '../../shared/job';

/** What one job has cost so far, in USD. */
export type JobCost = (job: Job) => number;

const REPORTED_COST: JobCost = (job) => job.usage?.costUsd ?? 0;

export class BatchTally {
  private readonly jobs = new Map<string, Job>();
  /** Each job's cost as it was added, so taking it out again subtracts exactly that. */
  private readonly costs = new Map<string, number>();
  readonly counts: Record<JobStatus, number> = {
    queued: 0,
    running: 0,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
  };
  costUsd = 0;

  constructor(
    jobs: Iterable<Job> = [],
    private readonly costOf: JobCost = REPORTED_COST,
  ) {
    for (const job of jobs) this.set(job);
  }

  set(job: Job): void {
    const previous = this.jobs.get(job.id);
    if (previous) {
      this.counts[previous.status]--;
      this.costUsd -= this.costs.get(job.id) ?? 0;
    }
    const cost = this.costOf(job);
    this.jobs.set(job.id, job);
    this.costs.set(job.id, cost);
    this.counts[job.status]++;
    this.costUsd += cost;
  }

  /** Costs every job again, e.g. once the prices that `costOf` reads have arrived. */
  recost(): void {
    this.costUsd = 0;
    for (const job of this.jobs.values()) {
      const cost = this.costOf(job);
      this.costs.set(job.id, cost);
      this.costUsd += cost;
    }
  }

  get size(): number {
    return this.jobs.size;
  }

  values(): IterableIterator<Job> {
    return this.jobs.values();
  }
}
