/**
 * When a history save writes the whole database file (a checkpoint) and when it only appends its
 * changes to the change log. A whole write costs time in proportion to the file's size and an
 * append costs almost nothing, so whole writes are spaced out in proportion to what the last one
 * cost: the history never spends more than a small, fixed share of the daemon's time writing,
 * whether it holds a thousand jobs or a hundred thousand. Small files are always written whole:
 * it is cheap, and a reader of the file (the `sqlite3` CLI, a script) sees every change at once.
 * Except when very many rows wait (a batch of thousands started or cancelled): they go to the log
 * first, so the caller waits for one append rather than for every row to reach the database and
 * the file, and the whole write follows once they are in the database.
 */
export interface CheckpointPolicy {
  /** Files up to this size are written whole on every save. */
  wholeFileBytes: number;
  /** Least time between whole writes, as a multiple of the last one's duration. */
  spacingFactor: number;
  /** A log this large is folded in whatever the timing: it bounds the replay when opening. */
  maxLogBytes: number;
  /** More job rows than this waiting are appended to the log first, whatever the sizes. */
  appendFirstRows: number;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = {
  wholeFileBytes: 2_000_000,
  // A fiftieth: at most 2% of the time goes to whole writes.
  spacingFactor: 50,
  maxLogBytes: 8_000_000,
  // Applying a row to the database costs about 40 us: 2,000 rows are tens of milliseconds.
  appendFirstRows: 2_000,
};

/** Before the first whole write there is no duration to go by: about 2 ms per MB, as measured. */
export const ESTIMATED_CHECKPOINT_MS_PER_BYTE = 2 / 1_000_000;

export interface CheckpointState {
  /** Size of the database as last written or read. */
  fileBytes: number;
  /** Size of the change log. */
  logBytes: number;
  /** How long the last whole write took. */
  lastCheckpointMs: number;
  /** Time since the last whole write ended (or since the file was opened). */
  sinceCheckpointMs: number;
  /** Whether something changed that the log cannot express (a migration, an import). */
  unloggable: boolean;
  /** Job rows recorded and not yet in the database. */
  waitingRows: number;
}

/** Whether this save writes the whole file. */
export function checkpointDue(policy: CheckpointPolicy, state: CheckpointState): boolean {
  if (state.unloggable) return true;
  if (state.waitingRows > policy.appendFirstRows) return false;
  return (
    state.fileBytes <= policy.wholeFileBytes ||
    state.logBytes >= policy.maxLogBytes ||
    state.sinceCheckpointMs >= spacingMs(policy, state)
  );
}

/**
 * How long from now a whole write becomes due on timing alone: the log is folded in that long after
 * the last save, so a quiet daemon leaves the file complete. Infinity when it never does.
 */
export function foldDelayMs(policy: CheckpointPolicy, state: CheckpointState): number {
  return Math.max(0, spacingMs(policy, state) - state.sinceCheckpointMs);
}

function spacingMs(policy: CheckpointPolicy, state: CheckpointState): number {
  // A whole write measured at 0 ms (a coarse clock) still spaces the next one a little.
  return policy.spacingFactor * Math.max(state.lastCheckpointMs, 1);
}
