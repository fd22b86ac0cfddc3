/** Every way a job or a request can fail (docs/protocol.md, "Error codes"). */
export const ERROR_CODES = [
  'unauthorized',
  'insufficient_credits',
  'forbidden',
  'bad_request',
  'rate_limited',
  'upstream',
  'network',
  'timeout',
  'truncated',
  /** The response passed the size limit (`OPENROUTER_MAX_RESPONSE_BYTES`); not retried. */
  'response_too_large',
  'no_code',
  'unsafe_path',
  'lock_timeout',
  'cancelled',
  'invalid_params',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The error a job carries once it has failed. */
export interface JobError {
  code: ErrorCode;
  message: string;
  /** HTTP status of the last model call, when there was one. */
  status?: number;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** JSON-RPC error codes the daemon answers with. */
export const RpcErrorCodes = {
  InvalidParams: -32602,
  InternalError: -32603,
  /** A method that exists in the protocol but whose feature is not built yet. */
  NotImplemented: -32001,
  /** The workspace is being written by another process. */
  WorkspaceBusy: -32002,
} as const;
