/**
 * The history's save engine: when and how the in-memory database reaches its file. It owns the
 * save scheduler, the statements run since the last save, the choice between a whole write and an
 * append to the change log (checkpoint-policy.ts), and the fold timer that leaves a quiet daemon's
 * file complete. It knows the store's changes only as change-log entries and never reads the
 * tables: what goes in the file is the database's export.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DaemonError } from '../daemon-error';
import { PRIVATE_FOLDER_MODE } from '../private-file';
import { atomicWriteFile } from './atomic-write-file';
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
import type { HistoryDatabase } from './history-database';
import type { HistoryLog } from './open-database-file';
import type { PendingJobRows } from './pending-job-rows';
import { SaveScheduler, type SaveTimers } from './save-scheduler';

/** How the history saves; part of `HistoryStoreOptions`. */
export interface SaveOptions {
  /** The database file, normally `<workspace>/.appgen/history.sqlite`. */
  file: string;
  /** How long changes gather before they are written; default 250 ms. */
  saveDelayMs?: number;
  /** Least time between two saves, flushes included (see SaveScheduler). Default 0. */
  minSaveIntervalMs?: number;
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

/** How the history has been saving. */
export interface SaveStats {
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
}

const DEFAULT_SAVE_DELAY_MS = 250;
/** Job rows a save applies between two turns of the event loop: tens of milliseconds of work. */
const ROWS_PER_TURN = 1000;

export class HistorySaver {
  private readonly scheduler: SaveScheduler;
  private readonly file: string;
  private readonly logFile: string;
  private readonly write: (file: string, data: Uint8Array) => Promise<void>;
  private readonly append: (file: string, text: string) => Promise<void>;
  private readonly policy: CheckpointPolicy;
  private readonly monotonicMs: () => number;
  private readonly timers: SaveTimers;
  private saves = 0;
  private checkpoints = 0;
  /** Time the event loop spent in saves: applying rows, exporting, encoding the log. */
  private saveBusyMs = 0;
  private closed = false;
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

  constructor(
    options: SaveOptions,
    private readonly parts: { db: HistoryDatabase; pending: PendingJobRows; log: HistoryLog },
  ) {
    this.file = options.file;
    this.logFile = changeLogPath(options.file);
    this.write = options.writeFile ?? ((file, data) => atomicWriteFile(file, data));
    this.append = options.appendFile ?? appendChangeLog;
    this.policy = { ...DEFAULT_CHECKPOINT_POLICY, ...options.checkpoint };
    this.monotonicMs = options.monotonicMs ?? (() => performance.now());
    this.timers = options.timers ?? NODE_TIMERS;
    this.lastCheckpointEnd = this.monotonicMs();
    this.scheduler = new SaveScheduler({
      save: () => this.save(),
      delayMs: options.saveDelayMs ?? DEFAULT_SAVE_DELAY_MS,
      minIntervalMs: options.minSaveIntervalMs ?? 0,
      timers: options.timers,
      onError: (error, retryInMs) =>
        parts.log('history save failed; the changes stay in memory and the save is tried again', {
          file: options.file,
          reason: error instanceof Error ? error.message : String(error),
          retryInMs,
        }),
    });
  }

  /** Takes up where the files left off: their sizes, and the change log replayed into the database. */
  async resume(): Promise<void> {
    this.fileBytes = await fileSize(this.file);
    this.lastCheckpointMs = this.fileBytes * ESTIMATED_CHECKPOINT_MS_PER_BYTE;
    const replayed = await replayChangeLog(this.parts.db, this.logFile, this.parts.log);
    this.logBytes = replayed.logBytes;
    this.logMayEndMidLine = replayed.endsMidLine;
    // A log left by an earlier process is folded in once a whole write is due, changes or not.
    if (this.logBytes > 0) this.armFold();
  }

  /** Records that something changed and makes sure a save follows within the delay. */
  markDirty(): void {
    this.scheduler.markDirty();
  }

  /** A statement run since the last save, for the change log; the caller marks the change dirty. */
  recordChange(entry: ChangeEntry): void {
    this.unlogged.push(entry);
  }

  /** Something changed that the log cannot carry: the next save writes the whole file. */
  markUnloggable(): void {
    this.unloggable = true;
  }

  /** Drops the logged changes of jobs taken back (see `HistoryStore.forgetJobs`). */
  forgetJobs(ids: ReadonlySet<string>): void {
    this.unlogged = this.unlogged.filter((entry) => entry.s !== 'job' || !ids.has(String(entry.r.id)));
  }

  stats(): SaveStats {
    return {
      saves: this.saves,
      checkpoints: this.checkpoints,
      logBytes: this.logBytes,
      saveBusyMs: this.saveBusyMs,
      dirty: this.scheduler.isDirty,
    };
  }

  /** See `HistoryStore.flush`. */
  flush(): Promise<void> {
    return this.scheduler.flush();
  }

  /** See `HistoryStore.saveSoon`. */
  saveSoon(): Promise<void> {
    return this.scheduler.saveSoon();
  }

  /** Writes whatever is owed whole, folding in a log left by earlier saves; the timers stop. */
  async close(): Promise<void> {
    this.cancelFold();
    this.checkpointWanted = true;
    if (this.logBytes > 0) this.scheduler.markDirty();
    await this.scheduler.flush();
    this.cancelFold();
    this.closed = true;
  }

  private async save(): Promise<void> {
    const { pending } = this.parts;
    // A batch records a row per job at once: 100,000 rows take seconds to apply, so a save applies
    // them in slices and lets the event loop take a turn between two (readers apply the rest at once).
    while (pending.size > ROWS_PER_TURN) {
      const started = this.monotonicMs();
      pending.apply(ROWS_PER_TURN);
      this.saveBusyMs += this.monotonicMs() - started;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const started = this.monotonicMs();
    pending.apply();
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
        `Saving the history ${this.file} failed: ${reason}`,
        {},
        { cause: error },
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
      const data = this.parts.db.export();
      this.saveBusyMs += this.monotonicMs() - started;
      await mkdir(dirname(this.file), { recursive: true, mode: PRIVATE_FOLDER_MODE });
      await this.write(this.file, data);
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
    this.foldTimer = this.timers.setTimeout(() => {
      this.foldTimer = undefined;
      if (this.closed) return;
      this.checkpointWanted = true;
      this.scheduler.markDirty();
    }, delay);
  }

  private cancelFold(): void {
    if (this.foldTimer === undefined) return;
    this.timers.clearTimeout(this.foldTimer);
    this.foldTimer = undefined;
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
