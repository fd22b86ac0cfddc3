/**
 * How a daemon process ended, and the error a client meets when the daemon went away under it:
 * its exit and the last lines it logged, for the client to put in its own words.
 */
import { describeLogEntry, readDaemonLogLine } from './daemon-log-line';

export interface DaemonExit {
  /** The exit code; null when a signal ended the process, or it never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Whether this client asked for it (`shutdown` or `kill`); any other exit is a crash. */
  expected: boolean;
  /** Why the process could not be started at all (e.g. `spawn node ENOENT`). */
  startError?: string;
}

/** The daemon exited before it answered. */
export class DaemonExitError extends Error {
  constructor(
    readonly exit: DaemonExit,
    /** The last lines it wrote to stderr, oldest first. */
    readonly lines: string[],
  ) {
    super(
      exit.startError
        ? `The AppGen daemon could not start: ${exit.startError}`
        : `The AppGen daemon exited with ${describeExit(exit)}: ${lastWords(lines)}`,
    );
  }
}

/** "code 3" or "signal SIGKILL". */
export function describeExit(exit: DaemonExit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

/** Its last error log entry, else its last line, described. */
function lastWords(lines: string[]): string {
  const entries = lines.map(readDaemonLogLine).filter((entry) => entry !== undefined);
  const last = entries.findLast((entry) => entry.structured && entry.level === 'error') ?? entries.at(-1);
  return last ? describeLogEntry(last) : 'it logged nothing';
}
