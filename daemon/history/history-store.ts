import type { SqlJsStatic, SqlValue } from 'sql.js';
import type { Job } from '../../shared/job';
import { DaemonError } from '../daemon-error';
import { AppPortBook, type AppPorts, INSERT_APP_PORTS, type PortQueries } from './app-ports';
import { type BatchRecord, batchToRow, rowToBatch } from './batch-record';
import { jobChange } from './change-log';
import { HistoryDatabase } from './history-database';
import { HistorySaver, type SaveOptions, type SaveStats } from './history-saver';
import {
  DELETE_JOB,
  INSERT_LEGACY_JOB,
  jobRowValues,
  SELECT_BATCH,
  SELECT_HIGHEST_APP_NUMS,
  SELECT_JOB,
  SELECT_STATE,
  SELECT_UNFINISHED_JOBS,
  UPSERT_BATCH,
  UPSERT_STATE,
} from './history-sql';
import { type JobFilter, jobListQuery } from './job-list-query';
import { type JobOrigin, jobToRow, rowToJob } from './job-row';
import { readLegacyJobs } from './legacy-import';
import { loadSqlJs } from './load-sql-js';
import { type MigrationResult, migrateDatabase } from './migrations';
import { type HistoryLog, openDatabaseFile } from './open-database-file';
import { PendingJobRows } from './pending-job-rows';
import { type Clock, normalizeTimestamp, nowIso } from './timestamps';

export type { JobFilter } from './job-list-query';

export interface HistoryStoreOptions extends SaveOptions {
  /** Path of `sql-wasm.wasm`; not needed when `sqlJs` is given. */
  wasmPath?: string;
  /** An already loaded engine, shared between stores. */
  sqlJs?: SqlJsStatic;
  now?: Clock;
  log?: HistoryLog;
}

/** How the store has been saving, for `daemon/status` and the benchmark. */
export interface HistoryStats extends SaveStats {
  /** Job rows recorded but not yet applied to the database. */
  pendingRows: number;
}

/**
 * The workspace's job history: an in-memory SQLite database (sql.js) written back to its file
 * atomically. This class answers the queries on jobs, batches, ports and the daemon's state; job
 * rows wait in pending-job-rows.ts until a read or a save needs them, and history-saver.ts decides
 * when and how changes reach the file (grouped saves, whole writes or change-log appends, the
 * fold on close). The SQL is in history-sql.ts.
 */
export class HistoryStore {
  /** What opening did to the schema. */
  readonly migration: MigrationResult;
  /** Where an unreadable file was moved on open, if it was. */
  readonly movedAside: string | undefined;

  private readonly db: HistoryDatabase;
  private readonly pending: PendingJobRows;
  private readonly saver: HistorySaver;
  private readonly now: Clock;
  private readonly log: HistoryLog;
  private closed = false;
  /**
   * The highest app number of each model slug, read from the table at the first question and then
   * kept by every record: a batch of 10,000 models asked the database once per model, and a
   * question had to apply every waiting row first.
   */
  private highestAppNums: Map<string, number> | undefined;
  /** Every app's ports, read on the first request (after the change log's replay). */
  private portBook: AppPortBook | undefined;

  private constructor(
    db: HistoryDatabase,
    private readonly sql: SqlJsStatic,
    options: HistoryStoreOptions,
    opened: { migration: MigrationResult; movedAside: string | undefined },
  ) {
    this.migration = opened.migration;
    this.movedAside = opened.movedAside;
    this.db = db;
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? (() => undefined);
    this.pending = new PendingJobRows(db, (row) => this.saver.recordChange(jobChange(row)));
    this.saver = new HistorySaver(options, { db, pending: this.pending, log: this.log });
  }

  /** Opens (or creates) the database file, migrating it to the current schema. */
  static async open(options: HistoryStoreOptions): Promise<HistoryStore> {
    const sql = options.sqlJs ?? (await loadEngine(options.wasmPath));
    const log = options.log ?? (() => undefined);
    const opened = await openDatabaseFile(sql, options.file, { now: options.now ?? (() => new Date()), log });
    let migration: MigrationResult;
    try {
      migration = migrateDatabase(opened.db);
    } catch (error) {
      opened.db.close();
      throw error;
    }
    if (migration.to !== migration.from) {
      log('history database migrated', { file: options.file, from: migration.from, to: migration.to });
    }
    for (const report of migration.timestamps) {
      if (report.changed === 0 && report.unparseable === 0) continue;
      log('history timestamps normalised', { file: options.file, ...report });
    }
    const db = new HistoryDatabase(opened.db);
    const store = new HistoryStore(db, sql, options, { migration, movedAside: opened.movedAside });
    await store.saver.resume();
    if (!opened.loaded || migration.to !== migration.from) {
      store.saver.markUnloggable();
      store.saver.markDirty();
    }
    return store;
  }

  /** Records a new job or replaces the record of an existing one (by id). */
  upsertJob(job: Job): void {
    this.ensureOpen();
    this.pending.record(job, nowIso(this.now));
    if (this.highestAppNums && job.appNum > (this.highestAppNums.get(job.modelSlug) ?? 0)) {
      this.highestAppNums.set(job.modelSlug, job.appNum);
    }
    this.saver.markDirty();
  }

  getJob(id: string): Job | undefined {
    this.ensureOpen();
    // A job changed since the last read is answered from its pending row, exactly as the database
    // would return it, without writing every other pending row first: the queue reads each job as
    // it starts, while the others' changes wait for one transaction.
    const pending = this.pending.read(id);
    if (pending) return pending;
    this.pending.apply();
    const [row] = this.db.all(SELECT_JOB, [id]);
    return row && rowToJob(row);
  }

  /**
   * Resolves once at most a turn's worth of rows waits to go into the database, having put the
   * rest in a slice per turn of the event loop. A request that reads the history awaits it first:
   * after a batch of 100,000 jobs, a read would otherwise apply every row in one go and hold the
   * daemon for seconds.
   */
  caughtUp(): Promise<void> {
    this.ensureOpen();
    return this.saver.catchUp();
  }

  /** Jobs matching every given filter, newest first (by creation time, then recording order). */
  listJobs(filter: JobFilter = {}): Job[] {
    this.ensureOpen();
    this.pending.apply();
    const { sql, params } = jobListQuery(filter);
    return this.db.all(sql, params).map(rowToJob);
  }

  /** Jobs an earlier run left queued or running, oldest first, to be queued again. */
  listUnfinished(): Job[] {
    this.ensureOpen();
    this.pending.apply();
    return this.db.all(SELECT_UNFINISHED_JOBS, []).map(rowToJob);
  }

  /** The highest app number recorded for a model slug; 0 when there is none. */
  maxAppNum(modelSlug: string): number {
    this.ensureOpen();
    if (!this.highestAppNums) {
      this.pending.apply();
      this.highestAppNums = new Map(
        this.db.all(SELECT_HIGHEST_APP_NUMS, []).map((row) => [String(row.slug), Number(row.n)]),
      );
    }
    return this.highestAppNums.get(modelSlug) ?? 0;
  }

  /**
   * The ports of an app: allocated on first request (backend from 5001, frontend from 8001 up),
   * the same ever after, and never shared with another app of the workspace until every pair is
   * taken (see `AppPortBook`).
   */
  portsFor(modelSlug: string, appNum: number): AppPorts {
    this.ensureOpen();
    this.portBook ??= new AppPortBook(this.portQueries);
    const wasSharing = this.portBook.sharing;
    const { ports, recorded } = this.portBook.portsFor(modelSlug, appNum);
    if (recorded) this.saver.markDirty();
    if (!wasSharing && this.portBook.sharing) {
      this.log('every port pair is taken: later apps share the ports of earlier ones', {
        app: `${modelSlug}/app${appNum}`,
      });
    }
    return ports;
  }

  /**
   * Gives every app its ports (see `portsFor`) in one transaction: a batch's new apps each add a
   * row, and outside a transaction each row would be a commit of its own.
   */
  reservePorts(apps: readonly { modelSlug: string; appNum: number }[]): void {
    this.ensureOpen();
    this.db.transaction(() => {
      for (const app of apps) this.portsFor(app.modelSlug, app.appNum);
    });
  }

  /** Records a batch or replaces its record (by id). */
  recordBatch(batch: BatchRecord): void {
    this.ensureOpen();
    const normalized: BatchRecord = {
      ...batch,
      createdAt: normalizeTimestamp(batch.createdAt) ?? batch.createdAt,
    };
    if (batch.finishedAt !== undefined)
      normalized.finishedAt = normalizeTimestamp(batch.finishedAt) ?? batch.finishedAt;
    const values = batchToRow(normalized);
    this.db.run(UPSERT_BATCH, values);
    this.saver.recordChange({ s: 'batch', p: values });
    this.saver.markDirty();
  }

  getBatch(id: string): BatchRecord | undefined {
    this.ensureOpen();
    const [row] = this.db.all(SELECT_BATCH, [id]);
    return row && rowToBatch(row);
  }

  /** A value the daemon keeps across restarts (see `setState`), or undefined. */
  getState(key: string): string | undefined {
    this.ensureOpen();
    const [row] = this.db.all(SELECT_STATE, [key]);
    return typeof row?.value === 'string' ? row.value : undefined;
  }

  /** Keeps `value` under `key` across restarts (undefined clears it); saved with the next save. */
  setState(key: string, value: string | undefined): void {
    this.ensureOpen();
    const values: SqlValue[] = [key, value ?? null, nowIso(this.now)];
    this.db.run(UPSERT_STATE, values);
    this.saver.recordChange({ s: 'state', p: values });
    this.saver.markDirty();
  }

  /**
   * Adds the jobs of the old tool's database at `dbPath`. Rows imported before (same model, app,
   * template and creation time) and rows that cannot be mapped are skipped. Saved before it returns.
   */
  async importLegacy(dbPath: string): Promise<{ imported: number; skipped: number }> {
    this.ensureOpen();
    const { jobs, invalid } = await readLegacyJobs(this.sql, dbPath, this.now);
    this.ensureOpen();
    this.pending.apply();
    for (const problem of invalid) this.log('legacy row skipped', { dbPath, ...problem });
    const updatedAt = nowIso(this.now);
    const imported = this.db.transaction(() => {
      let count = 0;
      for (const legacy of jobs) {
        const origin: JobOrigin = {
          source: 'legacy',
          legacyKey: legacy.legacyKey,
          legacyData: legacy.legacyData,
        };
        this.db.run(INSERT_LEGACY_JOB, jobRowValues(jobToRow(legacy.job, updatedAt, origin)));
        count += this.db.rowsModified();
      }
      return count;
    });
    if (imported > 0) this.highestAppNums = undefined;
    const result = { imported, skipped: jobs.length - imported + invalid.length };
    this.log('legacy history imported', { dbPath, ...result });
    if (imported > 0) {
      this.saver.markUnloggable();
      this.saver.markDirty();
      await this.flush();
    }
    return result;
  }

  /** Counters for status displays and benchmarks. */
  stats(): HistoryStats {
    return { ...this.saver.stats(), pendingRows: this.pending.size };
  }

  /**
   * Writes pending changes now, in one save with the other callers waiting, without waiting for the
   * spacing between saves; resolves once they are on disk. Fails when the save does (the changes
   * stay owed and the save is tried again).
   */
  flush(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.saver.flush();
  }

  /** Writes pending changes once the spacing between saves allows; for changes nobody waits on. */
  saveSoon(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.saver.saveSoon();
  }

  /**
   * Takes back jobs that were recorded but whose save failed, as if they had never been recorded:
   * a request refused because it could not be saved must leave nothing that a later save writes.
   */
  forgetJobs(ids: readonly string[]): void {
    this.ensureOpen();
    this.pending.forget(ids);
    this.highestAppNums = undefined; // read again: a job taken back may have held the highest
    this.saver.forgetJobs(new Set(ids));
    for (const id of ids) this.db.run(DELETE_JOB, [id]);
    // The log cannot say "deleted"; should a save have written them after all, the next save
    // writes the whole file, without them.
    this.saver.markUnloggable();
    this.saver.markDirty();
  }

  /** Writes pending changes, folding the change log into the file, and releases the database; later calls fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.saver.close();
    this.closed = true;
    this.db.close();
  }

  /** The port functions' queries, through the statement cache; what they add is logged. */
  private readonly portQueries: PortQueries = {
    all: (sql, params) => this.db.all(sql, params).map((row) => Object.values(row)),
    run: (sql, params) => {
      this.db.run(sql, params);
      if (sql === INSERT_APP_PORTS) this.saver.recordChange({ s: 'ports', p: params });
      else this.saver.markUnloggable();
    },
  };

  private ensureOpen(): void {
    if (this.closed) throw new DaemonError('internal', 'the history store is closed');
  }
}

async function loadEngine(wasmPath: string | undefined): Promise<SqlJsStatic> {
  if (wasmPath === undefined) throw new DaemonError('internal', 'HistoryStore.open needs wasmPath or sqlJs');
  return loadSqlJs(wasmPath);
}
