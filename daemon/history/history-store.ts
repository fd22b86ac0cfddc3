import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SqlJsStatic, SqlValue } from 'sql.js';
import type { Job } from '../../shared/job';
import { DaemonError } from '../daemon-error';
import { PRIVATE_FOLDER_MODE } from '../private-file';
import {
  type AppPorts,
  allocateAppPorts,
  FIRST_BACKEND_PORT,
  findAppPorts,
  INSERT_APP_PORTS,
  type PortQueries,
} from './app-ports';
import { atomicWriteFile } from './atomic-write-file';
import { type BatchRecord, batchToRow, rowToBatch } from './batch-record';
import { appendChangeLog, type ChangeEntry, changeLogPath, encodeChanges } from './change-log';
import { replayChangeLog } from './change-log-replay';
import {
  type CheckpointPolicy,
  type CheckpointState,
  checkpointDue,
  DEFAULT_CHECKPOINT_POLICY,
  ESTIMATED_CHECKPOINT_MS_PER_BYTE,
  foldDelayMs,
} from './checkpoint-policy';
import { HistoryDatabase } from './history-database';
import {
  DELETE_JOB,
  INSERT_LEGACY_JOB,
  jobRowValues,
  MAX_APP_NUM,
  SELECT_BATCH,
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
import { SaveScheduler, type SaveTimers } from './save-scheduler';
import { type Clock, normalizeTimestamp, nowIso } from './timestamps';

export type { JobFilter } from './job-list-query';

export interface HistoryStoreOptions {
  /** The database file, normally `<workspace>/.appgen/history.sqlite`. */
  file: string;
  /** Path of `sql-wasm.wasm`; not needed when `sqlJs` is given. */
  wasmPath?: string;
  /** An already loaded engine, shared between stores. */
  sqlJs?: SqlJsStatic;
  now?: Clock;
  /** How long changes gather before they are written; default 250 ms. */
  saveDelayMs?: number;
  /** Least time between two saves, flushes included (see SaveScheduler). Default 0. */
  minSaveIntervalMs?: number;
  log?: HistoryLog;
  timers?: SaveTimers;
  /** Replaces the file with new content atomically; tests substitute it to count or fail writes. */
  writeFile?: (file: string, data: Uint8Array) => Promise<void>;
  /** Appends to the change log and makes it durable; tests substitute it. */
  appendFile?: (file: string, text: string) => Promise<void>;
  /** When a save writes the whole file and when it appends to the change log. */
  checkpoint?: Partial<CheckpointPolicy>;
  /** A monotonic clock in milliseconds, for the spacing of whole writes; default performance.now. */
  monotonicMs?: () => number;
}

/** How the store has been saving, for `daemon/status` and the benchmark. */
export interface HistoryStats {
  /** Saves made: whole writes and appends to the change log. */
  saves: number;
  /** Of those, whole writes of the database file. */
  checkpoints: number;
  /** Size of the change log, 0 when the file holds everything. */
  logBytes: number;
  /** Time the event loop spent saving (the writes themselves happen off it). */
  saveBusyMs: number;
  /** Whether changes wait for a save. */
  dirty: boolean;
  /** Job rows recorded but not yet applied to the database. */
  pendingRows: number;
}

const DEFAULT_SAVE_DELAY_MS = 250;
/** Job rows a save applies between two turns of the event loop: tens of milliseconds of work. */
const ROWS_PER_TURN = 1000;
/**
 * The workspace's job history: an in-memory SQLite database (sql.js) written back to its file
 * atomically. Changes are grouped: each marks the store dirty and one timer saves them together;
 * `flush` saves at once, for terminal states and shutdown. A save of a large database appends its
 * changes to the change log (change-log.ts) unless a whole write is due (checkpoint-policy.ts);
 * opening replays the log, closing folds it in.
 */
export class HistoryStore {
  /** What opening did to the schema. */
  readonly migration: MigrationResult;
  /** Where an unreadable file was moved on open, if it was. */
  readonly movedAside: string | undefined;

  private readonly pending: PendingJobRows;
  private readonly scheduler: SaveScheduler;
  private readonly now: Clock;
  private readonly log: HistoryLog;
  private readonly write: (file: string, data: Uint8Array) => Promise<void>;
  private saves = 0;
  private checkpoints = 0;
  /** Time the event loop spent in saves: applying rows, exporting, encoding the log. */
  private saveBusyMs = 0;
  private closed = false;
  private readonly policy: CheckpointPolicy;
  private readonly monotonicMs: () => number;
  private readonly logFile: string;
  private readonly append: (file: string, text: string) => Promise<void>;
  /** Statements run since the last save, for the change log. */
  private unlogged: ChangeEntry[] = [];
  /** Something changed that the log cannot carry: the next save writes the whole file. */
  private unloggable = false;
  /** Asked for by the fold timer and by close: the next save writes the whole file. */
  private checkpointWanted = false;
  private fileBytes = 0;
  private logBytes = 0;
  /** The log may end in a line cut off (a crash, a failed append): the next append ends it first. */
  private logMayEndMidLine = false;
  private lastCheckpointMs = 0;
  private lastCheckpointEnd: number;
  private foldTimer: unknown;

  private constructor(
    private readonly db: HistoryDatabase,
    private readonly sql: SqlJsStatic,
    private readonly options: HistoryStoreOptions,
    opened: { migration: MigrationResult; movedAside: string | undefined },
  ) {
    this.migration = opened.migration;
    this.movedAside = opened.movedAside;
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? (() => undefined);
    this.write = options.writeFile ?? ((file, data) => atomicWriteFile(file, data));
    this.append = options.appendFile ?? appendChangeLog;
    this.policy = { ...DEFAULT_CHECKPOINT_POLICY, ...options.checkpoint };
    this.monotonicMs = options.monotonicMs ?? (() => performance.now());
    this.logFile = changeLogPath(options.file);
    this.lastCheckpointEnd = this.monotonicMs();
    this.pending = new PendingJobRows(db, (row) => this.unlogged.push({ s: 'job', r: row }));
    this.scheduler = new SaveScheduler({
      save: () => this.save(),
      delayMs: options.saveDelayMs ?? DEFAULT_SAVE_DELAY_MS,
      minIntervalMs: options.minSaveIntervalMs ?? 0,
      timers: options.timers,
      onError: (error, retryInMs) =>
        this.log('history save failed; the changes stay in memory and the save is tried again', {
          file: options.file,
          reason: error instanceof Error ? error.message : String(error),
          retryInMs,
        }),
    });
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
    const store = new HistoryStore(new HistoryDatabase(opened.db), sql, options, {
      migration,
      movedAside: opened.movedAside,
    });
    store.fileBytes = await fileSize(options.file);
    store.lastCheckpointMs = store.fileBytes * ESTIMATED_CHECKPOINT_MS_PER_BYTE;
    const replayed = await replayChangeLog(store.db, store.logFile, log);
    store.logBytes = replayed.logBytes;
    store.logMayEndMidLine = replayed.endsMidLine;
    // A log left by an earlier process is folded in once a whole write is due, changes or not.
    if (store.logBytes > 0) store.armFold();
    if (!opened.loaded || migration.to !== migration.from) {
      store.unloggable = true;
      store.scheduler.markDirty();
    }
    return store;
  }

  /** Records a new job or replaces the record of an existing one (by id). */
  upsertJob(job: Job): void {
    this.ensureOpen();
    this.pending.record(job, nowIso(this.now));
    this.scheduler.markDirty();
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
    this.pending.apply();
    const [row] = this.db.all(MAX_APP_NUM, [modelSlug]);
    return Number(row?.n ?? 0);
  }

  /**
   * The ports of an app: allocated on first request (backend from 5001, frontend from 8001 up),
   * the same ever after, and never shared with another app of the workspace.
   */
  portsFor(modelSlug: string, appNum: number): AppPorts {
    this.ensureOpen();
    // Ports never change once allocated, so each app's are looked up once.
    const key = `${modelSlug}/${appNum}`;
    const cached = this.ports.get(key);
    if (cached) return { ...cached };
    let ports = findAppPorts(this.portQueries, modelSlug, appNum);
    if (!ports) {
      ports = allocateAppPorts(this.portQueries, modelSlug, appNum, this.nextPortOffset);
      // Only this store adds ports, so the pair after this one is the next free candidate.
      this.nextPortOffset = ports.backend - FIRST_BACKEND_PORT + 1;
      this.scheduler.markDirty();
    }
    this.ports.set(key, ports);
    return { ...ports };
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
    this.unlogged.push({ s: 'batch', p: values });
    this.scheduler.markDirty();
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
    this.unlogged.push({ s: 'state', p: values });
    this.scheduler.markDirty();
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
    const result = { imported, skipped: jobs.length - imported + invalid.length };
    this.log('legacy history imported', { dbPath, ...result });
    if (imported > 0) {
      this.unloggable = true;
      this.scheduler.markDirty();
      await this.flush();
    }
    return result;
  }

  /** Counters for status displays and benchmarks. */
  stats(): HistoryStats {
    return {
      saves: this.saves,
      checkpoints: this.checkpoints,
      logBytes: this.logBytes,
      saveBusyMs: this.saveBusyMs,
      dirty: this.scheduler.isDirty,
      pendingRows: this.pending.size,
    };
  }

  /**
   * Writes pending changes now, in one save with the other callers waiting, without waiting for the
   * spacing between saves; resolves once they are on disk. Fails when the save does (the changes
   * stay owed and the save is tried again).
   */
  flush(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.scheduler.flush();
  }

  /** Writes pending changes once the spacing between saves allows; for changes nobody waits on. */
  saveSoon(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.scheduler.saveSoon();
  }

  /**
   * Takes back jobs that were recorded but whose save failed, as if they had never been recorded:
   * a request refused because it could not be saved must leave nothing that a later save writes.
   */
  forgetJobs(ids: readonly string[]): void {
    this.ensureOpen();
    const gone = new Set(ids);
    this.pending.forget(ids);
    this.unlogged = this.unlogged.filter((entry) => entry.s !== 'job' || !gone.has(String(entry.r.id)));
    for (const id of ids) this.db.run(DELETE_JOB, [id]);
    // The log cannot say "deleted"; should a save have written them after all, the next save
    // writes the whole file, without them.
    this.unloggable = true;
    this.scheduler.markDirty();
  }

  /** Writes pending changes, folding the change log into the file, and releases the database; later calls fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.cancelFold();
    // Whatever is owed is written whole, and a log left by earlier saves is folded in.
    this.checkpointWanted = true;
    if (this.logBytes > 0) this.scheduler.markDirty();
    await this.scheduler.flush();
    this.cancelFold();
    this.closed = true;
    this.db.close();
  }

  private async save(): Promise<void> {
    // A batch records a row per job at once: 100,000 rows take seconds to apply, so a save applies
    // them in slices and lets the event loop take a turn between two (readers apply the rest at once).
    while (this.pending.size > ROWS_PER_TURN) {
      const started = this.monotonicMs();
      this.pending.apply(ROWS_PER_TURN);
      this.saveBusyMs += this.monotonicMs() - started;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const started = this.monotonicMs();
    this.pending.apply();
    this.saveBusyMs += this.monotonicMs() - started;
    try {
      if (this.checkpointWanted || checkpointDue(this.policy, this.checkpointState())) {
        await this.writeWhole();
      } else {
        await this.appendChanges();
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new DaemonError(
        'internal',
        `Saving the history ${this.options.file} failed: ${reason}`,
        {},
        {
          cause: error,
        },
      );
    }
    this.saves++;
  }

  private checkpointState(): CheckpointState {
    return {
      fileBytes: this.fileBytes,
      logBytes: this.logBytes,
      lastCheckpointMs: this.lastCheckpointMs,
      sinceCheckpointMs: this.monotonicMs() - this.lastCheckpointEnd,
      unloggable: this.unloggable,
    };
  }

  /** Writes the whole database, which then holds everything the log did: the log goes. */
  private async writeWhole(): Promise<void> {
    const started = this.monotonicMs();
    // Everything run so far is in the export; what runs while it is written goes to the next save.
    const taken = this.unlogged;
    const wasUnloggable = this.unloggable;
    this.unlogged = [];
    this.unloggable = false;
    this.checkpointWanted = false;
    this.cancelFold();
    try {
      const data = this.db.export();
      this.saveBusyMs += this.monotonicMs() - started;
      await mkdir(dirname(this.options.file), { recursive: true, mode: PRIVATE_FOLDER_MODE });
      await this.write(this.options.file, data);
      this.fileBytes = data.length;
    } catch (error) {
      this.unlogged = [...taken, ...this.unlogged];
      this.unloggable ||= wasUnloggable;
      throw error;
    }
    if (this.logBytes > 0 || this.logMayEndMidLine) {
      await rm(this.logFile, { force: true });
      this.logBytes = 0;
      this.logMayEndMidLine = false;
    }
    const ended = this.monotonicMs();
    this.lastCheckpointMs = ended - started;
    this.lastCheckpointEnd = ended;
    this.checkpoints++;
  }

  /** Appends what changed since the last save to the log, and arranges for it to be folded in. */
  private async appendChanges(): Promise<void> {
    if (this.unlogged.length === 0) return;
    const taken = this.unlogged;
    this.unlogged = [];
    const started = this.monotonicMs();
    // A newline after a cut-off line makes that line the only loss: a blank line is skipped.
    const text = `${this.logMayEndMidLine ? '\n' : ''}${encodeChanges(taken)}`;
    this.saveBusyMs += this.monotonicMs() - started;
    try {
      await mkdir(dirname(this.logFile), { recursive: true, mode: PRIVATE_FOLDER_MODE });
      await this.append(this.logFile, text);
    } catch (error) {
      this.unlogged = [...taken, ...this.unlogged];
      this.logMayEndMidLine = true;
      throw error;
    }
    this.logMayEndMidLine = false;
    this.logBytes += Buffer.byteLength(text);
    this.armFold();
  }

  /** Once a whole write is due on timing alone, makes one, so a quiet daemon leaves the file complete. */
  private armFold(): void {
    if (this.foldTimer !== undefined) return;
    const delay = foldDelayMs(this.policy, this.checkpointState());
    if (!Number.isFinite(delay)) return;
    const timers = this.options.timers ?? NODE_TIMERS;
    this.foldTimer = timers.setTimeout(() => {
      this.foldTimer = undefined;
      if (this.closed) return;
      this.checkpointWanted = true;
      this.scheduler.markDirty();
    }, delay);
  }

  private cancelFold(): void {
    if (this.foldTimer === undefined) return;
    (this.options.timers ?? NODE_TIMERS).clearTimeout(this.foldTimer);
    this.foldTimer = undefined;
  }

  private readonly ports = new Map<string, AppPorts>();
  private nextPortOffset: number | undefined;

  private readonly portQueries: PortQueries = {
    first: (sql, params) => this.db.first(sql, params),
    run: (sql, params) => {
      this.db.run(sql, params);
      if (sql === INSERT_APP_PORTS) this.unlogged.push({ s: 'ports', p: params });
      else this.unloggable = true;
    },
  };

  private ensureOpen(): void {
    if (this.closed) throw new DaemonError('internal', 'the history store is closed');
  }
}

// Unlike the save scheduler's timers, the fold timer is unref'd: a fold due seconds later must not
// keep a finished process alive, and close() folds the log anyway.
const NODE_TIMERS: SaveTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

async function loadEngine(wasmPath: string | undefined): Promise<SqlJsStatic> {
  if (wasmPath === undefined) throw new DaemonError('internal', 'HistoryStore.open needs wasmPath or sqlJs');
  return loadSqlJs(wasmPath);
}
