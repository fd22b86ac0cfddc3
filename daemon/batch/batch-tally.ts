/**
 * A batch's jobs with their counts by status and their cost kept up to date on every change, so
 * reporting progress after each change costs the same at 10 jobs and at 10,000.
 */
import type { Job, JobStatus } from '../../shared/job';

export class BatchTally {
  private readonly jobs = new Map<string, Job>();
  readonly counts: Record<JobStatus, number> = {
    queued: 0,
    running: 0,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
  };
  costUsd = 0;

  constructor(jobs: Iterable<Job> = []) {
    for (const job of jobs) this.set(job);
  }

  set(job: Job): void {
    const previous = this.jobs.get(job.id);
    if (previous) {
      this.counts[previous.status]--;
      this.costUsd -= previous.usage?.costUsd ?? 0;
    }
    this.jobs.set(job.id, job);
    this.counts[job.status]++;
    this.costUsd += job.usage?.costUsd ?? 0;
  }

  get size(): number {
    return this.jobs.size;
  }

  values(): IterableIterator<Job> {
    return this.jobs.values();
  }
}
