/**
 * Long loops over a batch's jobs (preparing, cancelling) let the event loop take a turn every so
 * often, so that requests (`daemon/status`, `batch/cancel`) and signals (SIGTERM) are answered
 * while a batch of a hundred thousand jobs is handled.
 */

/** Jobs handled between two turns: a few milliseconds of work. */
export const JOBS_PER_TURN = 2000;

/** Resolves after the event loop has handled the I/O, timers and signals that were waiting. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
