import type { ErrorCode, JobError } from '../shared/errors';
import type { Usage } from '../shared/job';

/** Extra facts an error carries for the job record and the artifacts. */
export interface DaemonErrorData {
  /** HTTP status of the failed call. */
  status?: number;
  /** Model-call attempts made before giving up. */
  attempts?: number;
  /** The raw response body, kept for the artifacts (never shown to users in full). */
  rawResponse?: string;
  /** Server-requested wait in ms (Retry-After), when there was one. */
  retryAfterMs?: number;
  /** What the server billed for the failed model call (its failed attempts together). */
  usage?: Usage;
  /** The generation ids of those billed attempts. */
  generationIds?: string[];
  /** Structured facts for the client (for example every problem of a batch file). */
  details?: unknown;
}

/** The one error type the daemon's core throws: a contract error code, a message for people, a cause. */
export class DaemonError extends Error {
  override readonly name = 'DaemonError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly data: DaemonErrorData = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toJobError(): JobError {
    return this.data.status === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, status: this.data.status };
  }
}

/** Turns anything thrown into a DaemonError, keeping DaemonErrors as they are. */
export function asDaemonError(error: unknown): DaemonError {
  if (error instanceof DaemonError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DaemonError('internal', message, {}, { cause: error });
}
