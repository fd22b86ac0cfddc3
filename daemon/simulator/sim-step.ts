/** What the simulator does with one chat request: answer normally, or one of the fault kinds. */

export const FAULT_KINDS = [
  /** A normal answer. */
  'ok',
  /** Destroys the connection before any response. */
  'reset',
  /** A JSON answer that declares its Content-Length, then stops halfway and drops the connection. */
  'cut-body',
  /** An event stream that stops after some content and drops the connection. */
  'cut-stream',
  /** Never answers (until the client gives up or the simulator closes). */
  'stall',
  /** Sends the headers and a keep-alive, then nothing more. */
  'stall-body',
  'http400',
  'http401',
  'http402',
  'http403',
  'http404',
  'http408',
  /** 429 with `Retry-After` (the step's `retryAfter`, default "0"). */
  'http429',
  'http500',
  /** 500 whose JSON body is the bare string "Internal error". */
  'http500string',
  /** 502 with an HTML error page, as a proxy in front of an API sends. */
  'http502html',
  /** 503 whose error nests the provider's own error in `metadata.raw`. */
  'http503',
  'http504',
  /** 200 with an HTML page instead of a completion. */
  'http200html',
  /** An event stream whose first event is an error (no content before it). */
  'stream-error',
  /** An event stream that delivers some content, then an error event. */
  'stream-error-after-content',
  /** An event stream whose choice finishes with `finish_reason: "error"` and no error object. */
  'stream-finish-error',
  /** A normal answer cut short with `finish_reason: "length"`. */
  'length',
  /** 200, then keep-alives that never stop (comments in a stream, blank lines before JSON). */
  'endless-keep-alives',
  /** 200, then an answer that never ends (events in a stream, an unclosed content string in JSON). */
  'endless-answer',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** How an answer is shaped: `auto` streams when the request asked for `stream: true`. */
export type ReplyFormat = 'auto' | 'json' | 'sse';

/** One scripted reply with its options. */
export interface SimStepOptions {
  kind: FaultKind;
  /** Wait before answering. */
  latencyMs?: number;
  /** `Retry-After` header value for error replies (for `http429` it defaults to "0"). */
  retryAfter?: string;
  format?: ReplyFormat;
  /**
   * Keep-alives before the body: `: OPENROUTER PROCESSING` comments in a stream, blank lines
   * before a JSON body. Default 1 for streams, 0 for JSON.
   */
  keepAlives?: number;
  /** Pause between the writes of an endless reply (about 64 KB each). Default 0. */
  intervalMs?: number;
  /**
   * Puts the received Authorization header (so the key) into every text the server controls: the
   * error message, `X-Generation-Id`, the `id`, `provider` and `model` fields, and the answer, where
   * it is also a file of its own (`ECHO.txt`). Servers that echo credentials do the same.
   */
  echoAuthorization?: boolean;
}

/** A step, by name alone or with options. */
export type SimStep = FaultKind | SimStepOptions;

/** A function that writes the answer text for a request. */
export type ContentFn = (messages: Array<{ role: string; content: string }>, model: string) => string;

/** Scripted behaviour of one model. */
export interface ModelBehavior {
  /** Served in order to the model's next requests. */
  faults?: SimStep[];
  /** Served once `faults` are used up. Default `ok`. (Not named `then`: that would make it a thenable.) */
  afterFaults?: SimStep;
  /** Once `faults` are used up, a share of requests fails instead of getting `afterFaults`. */
  randomFaults?: RandomFaults;
  latencyMs?: number;
  format?: ReplyFormat;
  keepAlives?: number;
  /** The answer text instead of the generated code. */
  content?: string | ContentFn;
}

/**
 * Fails `rate` (0 to 1) of requests with the next of `steps`, taken in turn; which requests is
 * decided by a generator seeded with `seed` (default 1), so that a run can be repeated.
 */
export interface RandomFaults {
  rate: number;
  steps: SimStep[];
  seed?: number;
}

export function toStepOptions(step: SimStep): SimStepOptions {
  return typeof step === 'string' ? { kind: step } : step;
}

export function isFaultKind(value: unknown): value is FaultKind {
  return typeof value === 'string' && (FAULT_KINDS as readonly string[]).includes(value);
}
