/**
 * How the command line ends on an error: the message a person reads (the daemon's own words when
 * the daemon is what failed) and the exit code (2 invalid input, 130 interrupted, else 1).
 */
import { ResponseError } from 'vscode-jsonrpc';
import { type DaemonLogEntry, describeLogEntry, readDaemonLogLine } from '../client/daemon-log-line';
import { RpcErrorCodes } from '../shared/errors';

/** Arguments or input the command cannot work with. */
export class UsageError extends Error {}

/** Ctrl-C before there was anything to stop. */
export class InterruptedError extends Error {}

/** The daemon ended before it could serve the command; `message` is what it said about it. */
export class DaemonExitedError extends Error {
  constructor(
    /** The daemon's exit code (2: it refused its input, e.g. a bad setting or a locked workspace). */
    readonly exitCode: number | null,
    message: string,
  ) {
    super(message);
  }
}

const EXIT_FAILED = 1;
const EXIT_INVALID = 2;
const EXIT_INTERRUPTED = 130;

/** The exit code and message for an error that ended a command. */
export function failureOf(error: unknown): { code: number; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof InterruptedError) return { code: EXIT_INTERRUPTED, message };
  if (error instanceof DaemonExitedError) {
    return { code: error.exitCode === EXIT_INVALID ? EXIT_INVALID : EXIT_FAILED, message };
  }
  if (error instanceof ResponseError) {
    return { code: error.code === RpcErrorCodes.InvalidParams ? EXIT_INVALID : EXIT_FAILED, message };
  }
  // Node's argument parser marks its errors with a string code.
  const code = (error as { code?: unknown } | null)?.code;
  const usage =
    error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
  return { code: usage ? EXIT_INVALID : EXIT_FAILED, message };
}

/**
 * What the daemon said before it exited, from its stderr: its own `appgen daemon: ...` lines when
 * there are any, else the messages of its error log lines (with the error's first line), else the
 * last lines it logged.
 */
export function whatTheDaemonSaid(lines: string[]): string {
  const own = lines
    .filter((line) => line.startsWith('appgen daemon: '))
    .map((line) => line.slice('appgen daemon: '.length));
  if (own.length > 0) return own.join('\n');
  const errors = lines
    .map(readDaemonLogLine)
    .filter((entry): entry is DaemonLogEntry => entry?.structured === true && entry.level === 'error');
  if (errors.length > 0) return errors.map(describeLogEntry).join('\n');
  return lastMessages(lines);
}

/** The messages of JSON log lines, for showing to a person. */
export function lastMessages(lines: string[], count = 5): string {
  return lines
    .slice(-count)
    .map((line) => {
      const entry = readDaemonLogLine(line);
      return `  ${entry?.structured ? describeLogEntry(entry) : line}`;
    })
    .join('\n');
}
