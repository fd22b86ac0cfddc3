/**
 * Job rows recorded but not yet in the database. A running job changes many times (phase,
 * attempts, usage) between two saves; only its last state needs a statement, so rows wait here
 * and go in together, in one transaction, before anything reads the database or saves it whole.
 *
 * A row waits in one of two stages. Recorded, it is only in memory. Logged, it is in the change
 * log on disk (durable) but not yet in the database: a save that appends to the log hands its
 * rows over (`takeForLog`) and answers its callers at once, and the rows go into the database
 * afterwards, a slice per turn of the event loop. For a batch of 100,000 jobs that is the
 * difference between answering once the rows are on disk and answering seconds later, once the
 * database has every one of them too.
 */
import type { Job } from '../../shared/job';
import type { HistoryDatabase } from './history-database';
import { jobRowValues, UPSERT_JOB } from './history-sql';
import { type JobRow, jobToRow, rowToJob } from './job-row';

export class PendingJobRows {
  /** Recorded, not yet logged nor in the database. */
  private readonly recorded = new Map<string, { job: Job; updatedAt: string }>();
  /** In the change log, not yet in the database. */
  private readonly logged = new Map<string, JobRow>();

  /** `appliedUnlogged` is told each row that goes into the database before any log took it. */
  constructor(
    private readonly db: HistoryDatabase,
    private readonly appliedUnlogged: (row: JobRow) => void,
  ) {}

  /** Rows not yet in the database, in both stages. */
  get size(): number {
    return this.recorded.size + this.logged.size;
  }

  /** Rows recorded and not yet logged. */
  get recordedSize(): number {
    return this.recorded.size;
  }

  /** Rows the change log holds that the database does not yet. */
  get loggedSize(): number {
    return this.logged.size;
  }

  /** Holds the latest state of a job until the rows are applied. */
  record(job: Job, updatedAt: string): void {
    // A Map keeps the order of first insertion: new jobs get their rowids in the order they were
    // recorded, which `listJobs` uses to order jobs created in the same millisecond. The row is
    // built when it is logged or goes in, so a state that a later one replaces costs nothing.
    this.recorded.set(job.id, { job, updatedAt });
  }

  /** The job as the database will return it once its row is in, or undefined if none waits. */
  read(id: string): Job | undefined {
    const recorded = this.recorded.get(id);
    if (recorded) return rowToJob(jobToRow(recorded.job, recorded.updatedAt));
    const logged = this.logged.get(id);
    return logged && rowToJob(logged);
  }

  forget(ids: readonly string[]): void {
    for (const id of ids) {
      this.recorded.delete(id);
      this.logged.delete(id);
    }
  }

  /**
   * The recorded rows (the first `limit` of them), for the change log; they wait in the logged
   * stage until applied. If the append fails they stay there: the saver keeps their entries and
   * logs them again.
   */
  takeForLog(limit = Number.POSITIVE_INFINITY): JobRow[] {
    const rows: JobRow[] = [];
    const taken: string[] = [];
    for (const [id, { job, updatedAt }] of this.recorded) {
      if (rows.length >= limit) break;
      const row = jobToRow(job, updatedAt);
      rows.push(row);
      taken.push(id);
      // A job logged before keeps its place (and so its rowid order); only its state is newer.
      this.logged.set(id, row);
    }
    dropApplied(this.recorded, taken);
    return rows;
  }

  /**
   * Writes waiting rows (the first `limit` of them; logged ones first, as they came first) into
   * the database, all or none. `loggedOnly` leaves the recorded ones for the next save to log.
   */
  apply(limit = Number.POSITIVE_INFINITY, loggedOnly = false): void {
    if (this.logged.size === 0 && (loggedOnly || this.recorded.size === 0)) return;
    const fromLog: string[] = [];
    const fromMemory: string[] = [];
    this.db.transaction(() => {
      for (const [id, row] of this.logged) {
        if (fromLog.length >= limit) break;
        fromLog.push(id);
        this.db.run(UPSERT_JOB, jobRowValues(row));
      }
      if (loggedOnly) return;
      for (const [id, { job, updatedAt }] of this.recorded) {
        if (fromLog.length + fromMemory.length >= limit) break;
        fromMemory.push(id);
        const row = jobToRow(job, updatedAt);
        this.db.run(UPSERT_JOB, jobRowValues(row));
        this.appliedUnlogged(row);
      }
    });
    dropApplied(this.logged, fromLog);
    dropApplied(this.recorded, fromMemory);
  }
}

function dropApplied(rows: Map<string, unknown>, ids: readonly string[]): void {
  if (ids.length === rows.size) rows.clear();
  else for (const id of ids) rows.delete(id);
}
