/**
 * Job rows recorded but not yet in the database. A running job changes many times (phase,
 * attempts, usage) between two saves; only its last state needs a statement, so rows wait here
 * and go in together, in one transaction, before anything reads the database or saves it. What
 * goes in is handed on for the change log; when it goes in is the store's and the saver's call.
 */
import type { Job } from '../../shared/job';
import type { HistoryDatabase } from './history-database';
import { jobRowValues, UPSERT_JOB } from './history-sql';
import { type JobRow, jobToRow, rowToJob } from './job-row';

export class PendingJobRows {
  private readonly rows = new Map<string, { job: Job; updatedAt: string }>();

  /** `applied` is told each row as it goes into the database. */
  constructor(
    private readonly db: HistoryDatabase,
    private readonly applied: (row: JobRow) => void,
  ) {}

  get size(): number {
    return this.rows.size;
  }

  /** Holds the latest state of a job until the rows are applied. */
  record(job: Job, updatedAt: string): void {
    // A Map keeps the order of first insertion: new jobs get their rowids in the order they were
    // recorded, which `listJobs` uses to order jobs created in the same millisecond. The row is
    // built when it goes in, so a state that a later one replaces costs nothing.
    this.rows.set(job.id, { job, updatedAt });
  }

  /** The job as the database will return it once its row is in, or undefined if none waits. */
  read(id: string): Job | undefined {
    const pending = this.rows.get(id);
    return pending && rowToJob(jobToRow(pending.job, pending.updatedAt));
  }

  forget(ids: readonly string[]): void {
    for (const id of ids) this.rows.delete(id);
  }

  /** Writes the waiting rows (the first `limit` of them) into the database, all or none. */
  apply(limit = Number.POSITIVE_INFINITY): void {
    if (this.rows.size === 0) return;
    const applied: string[] = [];
    this.db.transaction(() => {
      for (const [id, { job, updatedAt }] of this.rows) {
        if (applied.length >= limit) break;
        applied.push(id);
        const row = jobToRow(job, updatedAt);
        this.db.run(UPSERT_JOB, jobRowValues(row));
        this.applied(row);
      }
    });
    if (applied.length === this.rows.size) this.rows.clear();
    else for (const id of applied) this.rows.delete(id);
  }
}
