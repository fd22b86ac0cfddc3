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
import { appendChangeLog, type ChangeEntry, changeLogPath, encodeChanges, jobChange } from './change-log';
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
  appendFile?: (file: string, data: readonly Uint8Array[]) => Promise<void>;
  /** When a save writes the whole file and when it appends to the change log. */
  checkpoint?: Partial<CheckpointPolicy>;
  /** A monotonic clock in milliseconds, for the spacing of whole writes; default performance.now. */
  monotonicMs?: () => number;
  /**
   * While it says so (a client is still being sent megabytes: the reply with a batch's jobs),
   * rows already safe in the change log wait to go into the database: the reply needs the event
   * loop's turns more. Default never.
   */
  outputBackedUp?: () => boolean;
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
/**
 * Job rows a save applies between two turns of the event loop: a few milliseconds of work. Turns stay
 * short because the reply that follows a batch's rows (every job, megabytes of JSON) reaches its
 * client a pipe's buffer per turn.
 */
const ROWS_PER_TURN = 100;
/** How long logged rows wait for clients' backlogs at most at a time, and how often they look. */
const OUTPUT_WAIT_MAX_MS = 5000;
const OUTPUT_POLL_MS = 2;
/** Rows turned into log entries, or entries encoded, per turn: a few milliseconds of work. */
const LOGGED_PER_TURN = 1000;

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class HistorySaver {
  private readonly scheduler: SaveScheduler;
  private readonly file: string;
  private readonly logFile: string;
  private readonly write: (file: string, data: Uint8Array) => Promise<void>;
  private readonly append: (file: string, data: readonly Uint8Array[]) => Promise<void>;
  private readonly policy: CheckpointPolicy;
  private readonly monotonicMs: () => number;
  private readonly timers: SaveTimers;
  private readonly outputBackedUp: () => boolean;
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
  /** The run that applies logged rows after a save, while there is one. */
  private applyingLogged: Promise<void> | undefined;

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
    this.outputBackedUp = options.outputBackedUp ?? (() => false);
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

  /** See `HistoryStore.caughtUp`. */
  catchUp(): Promise<void> {
    return this.applyInSlices(false);
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
    const whole = this.checkpointWanted || checkpointDue(this.policy, this.checkpointState());
    try {
      if (whole) {
        await this.applyInSlices(false);
        const started = this.monotonicMs();
        this.parts.pending.apply();
        this.saveBusyMs += this.monotonicMs() - started;
        await this.writeWhole();
      } else {
        // The log makes the rows durable: the save is done once they are appended, and they go
        // into the database afterwards (see pending-job-rows.ts).
        await this.takeRowsForLog();
        await this.appendChanges();
        // A few rows go in at once, as a whole save would have put them; many take turns.
        if (this.parts.pending.loggedSize <= ROWS_PER_TURN) this.applyLogged();
        else this.applyLoggedSoon();
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

  /** Moves the recorded rows into the log's entries, a slice per turn of the event loop. */
  private async takeRowsForLog(): Promise<void> {
    for (;;) {
      const started = this.monotonicMs();
      for (const row of this.parts.pending.takeForLog(LOGGED_PER_TURN)) this.unlogged.push(jobChange(row));
      this.saveBusyMs += this.monotonicMs() - started;
      if (this.parts.pending.recordedSize === 0) return;
      await nextTurn();
    }
  }

  /**
   * Applies waiting rows a slice at a time, letting the event loop take a turn between two: a
   * batch records a row per job at once, and 100,000 rows take seconds to apply. Readers apply the
   * rest at once when they need it. `loggedOnly` leaves rows the log does not hold yet.
   */
  private async applyInSlices(loggedOnly: boolean): Promise<void> {
    const { pending } = this.parts;
    while ((loggedOnly ? pending.loggedSize : pending.size) > ROWS_PER_TURN && !this.closed) {
      const started = this.monotonicMs();
      pending.apply(ROWS_PER_TURN, loggedOnly);
      this.saveBusyMs += this.monotonicMs() - started;
      await nextTurn();
      if (loggedOnly) await this.whileOutputBackedUp();
    }
  }

  /** Waits while clients are being sent a backlog, at most OUTPUT_WAIT_MAX_MS. */
  private async whileOutputBackedUp(): Promise<void> {
    const end = this.monotonicMs() + OUTPUT_WAIT_MAX_MS;
    while (this.outputBackedUp() && !this.closed && this.monotonicMs() < end) {
      await new Promise((resolve) => setTimeout(resolve, OUTPUT_POLL_MS));
    }
  }

  private applyLogged(): void {
    const started = this.monotonicMs();
    this.parts.pending.apply(Number.POSITIVE_INFINITY, true);
    this.saveBusyMs += this.monotonicMs() - started;
  }

  /** Puts the logged rows into the database in slices, one run at a time, outside any save. */
  private applyLoggedSoon(): void {
    if (this.applyingLogged || this.parts.pending.loggedSize === 0) return;
    // A whole write now would apply the same rows with a caller waiting behind it.
    this.cancelFold();
    this.applyingLogged = (async () => {
      await nextTurn();
      await this.applyInSlices(true);
      if (!this.closed) this.applyLogged();
    })()
      .catch((error) =>
        // The rows stay waiting (and logged); the next read or whole save applies them.
        this.parts.log('applying logged history rows failed; they are applied at the next save', {
          file: this.file,
          reason: error instanceof Error ? error.message : String(error),
        }),
      )
      .finally(() => {
        this.applyingLogged = undefined;
        if (!this.closed && this.logBytes > 0) this.armFold();
      });
  }

  private checkpointState(): CheckpointState {
    return {
      fileBytes: this.fileBytes,
      logBytes: this.logBytes,
      lastCheckpointMs: this.lastCheckpointMs,
      sinceCheckpointMs: this.monotonicMs() - this.lastCheckpointEnd,
      unloggable: this.unloggable,
      waitingRows: this.parts.pending.size,
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
    // A newline after a cut-off line makes that line the only loss: a blank line is skipped.
    const data = await this.encodeInSlices(taken, this.logMayEndMidLine ? '\n' : '');
    try {
      await mkdir(dirname(this.logFile), { recursive: true, mode: PRIVATE_FOLDER_MODE });
      await this.append(this.logFile, data);
    } catch (error) {
      this.unlogged = [...taken, ...this.unlogged];
      this.logMayEndMidLine = true;
      throw error;
    }
    this.logMayEndMidLine = false;
    for (const part of data) this.logBytes += part.byteLength;
    // While many logged rows still go into the database, the fold (which needs them all in) waits.
    if (this.parts.pending.loggedSize <= ROWS_PER_TURN) this.armFold();
  }

  /**
   * `encodeChanges` in UTF-8 after `prefix`, a slice per turn of the event loop: a batch's entries
   * take a second or more to encode, and tens of megabytes of text to turn into bytes at once.
   */
  private async encodeInSlices(entries: readonly ChangeEntry[], prefix: string): Promise<Buffer[]> {
    const parts: Buffer[] = prefix === '' ? [] : [Buffer.from(prefix, 'utf8')];
    for (let from = 0; from < entries.length; from += LOGGED_PER_TURN) {
      if (from > 0) await nextTurn();
      const started = this.monotonicMs();
      parts.push(Buffer.from(encodeChanges(entries.slice(from, from + LOGGED_PER_TURN)), 'utf8'));
      this.saveBusyMs += this.monotonicMs() - started;
    }
    return parts;
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
