/**
 * Reads `Content-Length` framed JSON-RPC messages from a byte stream, and survives bad ones.
 * vscode-jsonrpc's own reader stops for good at the first frame it cannot parse (no length, a
 * length that is not a number, a body cut short), without a word to the client. Here a bad frame is
 * reported (the daemon answers a parse error and logs it) and the reader skips to the next header,
 * so the requests that follow are still answered.
 *
 * `FrameParser` is the byte-level part (pure, fed chunks as they come); `FramedMessageReader` is
 * the vscode-jsonrpc MessageReader around it.
 */
import { AbstractMessageReader, type DataCallback, Disposable, type Message } from 'vscode-jsonrpc';

/** JSON-RPC's codes for what a bad frame was. */
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;

/** A frame that was skipped: `code` is the JSON-RPC error code to answer with (id null). */
export interface BadFrame {
  code: typeof PARSE_ERROR | typeof INVALID_REQUEST;
  reason: string;
}

export type FrameEvent = { kind: 'message'; message: object } | { kind: 'bad'; bad: BadFrame };

export interface FrameLimits {
  /** Longest header accepted; a longer one is junk (no client sends more than a few dozen bytes). */
  maxHeaderBytes: number;
  /** Largest body accepted; a larger length is refused rather than buffered. */
  maxContentLength: number;
}

const DEFAULT_LIMITS: FrameLimits = { maxHeaderBytes: 8 * 1024, maxContentLength: 64 * 1024 * 1024 };

const HEADER_END = Buffer.from('\r\n\r\n');
const LENGTH_FIELD = 'content-length:';
/** A complete header line: an RFC 7230 token, a colon, a value. */
const HEADER_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[^\r\n]*$/;
/** The start of a header line still arriving: part of a name, or a name, a colon and some value. */
const HEADER_LINE_START = /^(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[^\r\n]*|[!#$%&'*+\-.^_`|~0-9A-Za-z]*)\r?$/;

/** Splits a byte stream into messages and bad frames; feed it chunks in order. */
export class FrameParser {
  /** The bytes not consumed yet are `buffer` followed by `pending` (chunks not yet joined to it). */
  private buffer: Buffer = Buffer.alloc(0);
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** Body length of the frame whose header has been read, while its body is still arriving. */
  private bodyLength: number | undefined;
  /** True from a bad frame until the next good header: what is skipped meanwhile is the same fault. */
  private resyncing = false;
  private readonly limits: FrameLimits;

  /**
   * `join` concatenates chunks into one buffer (`Buffer.concat`); it is a parameter so that tests
   * can count the bytes copied.
   */
  constructor(
    limits: Partial<FrameLimits> = {},
    private readonly join: (chunks: Buffer[], totalLength: number) => Buffer = (chunks, totalLength) =>
      Buffer.concat(chunks, totalLength),
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  push(chunk: Buffer): FrameEvent[] {
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    // A body still arriving is only counted: joining it on every chunk would copy it over and over,
    // quadratic in its size. It is joined once, when all of it is here.
    if (this.bodyLength !== undefined && this.buffer.length + this.pendingLength < this.bodyLength) return [];
    this.buffer =
      this.buffer.length === 0 && this.pending.length === 1
        ? chunk
        : this.join([this.buffer, ...this.pending], this.buffer.length + this.pendingLength);
    this.pending = [];
    this.pendingLength = 0;
    const events: FrameEvent[] = [];
    for (;;) {
      if (this.bodyLength === undefined) {
        if (!this.readHeader(events)) return events;
      }
      const length = this.bodyLength!;
      if (this.buffer.length < length) return events;
      const body = this.buffer.subarray(0, length);
      this.buffer = this.buffer.subarray(length);
      this.bodyLength = undefined;
      this.readBody(body, events);
    }
  }

  /** Reads the next header into `bodyLength`; false when more bytes are needed. */
  private readHeader(events: FrameEvent[]): boolean {
    for (;;) {
      // Blank lines between frames are harmless.
      let start = 0;
      while (start < this.buffer.length && (this.buffer[start] === 0x0d || this.buffer[start] === 0x0a)) {
        if (this.buffer[start] === 0x0d && start + 1 === this.buffer.length) break; // maybe "\r\n" split
        start++;
      }
      this.buffer = this.buffer.subarray(start);
      if (this.buffer.length === 0) return false;
      // Rescanning the header on each chunk is bounded: past maxHeaderBytes it is refused.
      const end = this.buffer.indexOf(HEADER_END);
      const problem = end < 0 ? this.incompleteHeaderProblem() : this.headerProblem(end);
      if (problem === undefined) {
        if (end < 0) return false; // a header still arriving
        this.resyncing = false;
        return true;
      }
      this.skipToNextHeader(problem, events);
      if (this.buffer.length === 0) return false;
    }
  }

  /** Why the complete header `buffer[0, end)` is unusable; sets `bodyLength` when it is fine. */
  private headerProblem(end: number): string | undefined {
    if (end > this.limits.maxHeaderBytes) return `a header longer than ${this.limits.maxHeaderBytes} bytes`;
    const lines = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    let length: string | undefined;
    for (const line of lines) {
      if (!HEADER_LINE.test(line)) return `a header line that is not "Name: value": ${quote(line)}`;
      const colon = line.indexOf(':');
      if (line.slice(0, colon).toLowerCase() === 'content-length') length = line.slice(colon + 1).trim();
    }
    if (length === undefined) return 'a header without Content-Length';
    if (!/^\d+$/.test(length)) return `Content-Length ${quote(length)}, which is not a non-negative integer`;
    const value = Number(length);
    if (value > this.limits.maxContentLength) {
      return `Content-Length ${value}, more than the ${this.limits.maxContentLength} bytes accepted`;
    }
    this.buffer = this.buffer.subarray(end + HEADER_END.length);
    this.bodyLength = value;
    return undefined;
  }

  /** Why the start of a header can already be seen not to be one, before its end arrives. */
  private incompleteHeaderProblem(): string | undefined {
    if (this.buffer.length > this.limits.maxHeaderBytes) {
      return `no end of header within ${this.limits.maxHeaderBytes} bytes`;
    }
    const lines = this.buffer.toString('latin1').split('\r\n');
    const last = lines.pop()!;
    for (const line of lines) {
      if (!HEADER_LINE.test(line)) return `a header line that is not "Name: value": ${quote(line)}`;
    }
    return HEADER_LINE_START.test(last) ? undefined : `bytes that are not a header: ${quote(last)}`;
  }

  /**
   * Drops bytes up to the next `Content-Length:` after the first byte (the bad header's own is
   * passed over), reporting the fault unless it continues one already reported.
   */
  private skipToNextHeader(reason: string, events: FrameEvent[]): void {
    if (!this.resyncing) events.push({ kind: 'bad', bad: { code: PARSE_ERROR, reason } });
    this.resyncing = true;
    const next = findLengthField(this.buffer, 1);
    // Without one, keep a tail that may be the first part of the next header's field name.
    const keep = next >= 0 ? next : Math.max(1, this.buffer.length - (LENGTH_FIELD.length - 1));
    this.buffer = this.buffer.subarray(keep);
  }

  private readBody(body: Buffer, events: FrameEvent[]): void {
    let message: unknown;
    try {
      message = JSON.parse(body.toString('utf8'));
    } catch (error) {
      events.push({
        kind: 'bad',
        bad: { code: PARSE_ERROR, reason: `a body that is not JSON (${(error as Error).message})` },
      });
      this.resyncing = true;
      // A length longer than the body swallows the next frame: give its header another chance.
      const inner = findLengthField(body, 1);
      if (inner >= 0) {
        const rest = body.subarray(inner);
        this.buffer = this.join([rest, this.buffer], rest.length + this.buffer.length);
      }
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      const what = Array.isArray(message) ? 'a batch (an array), which is not supported' : 'not an object';
      events.push({ kind: 'bad', bad: { code: INVALID_REQUEST, reason: `a message that is ${what}` } });
      return;
    }
    events.push({ kind: 'message', message });
  }
}

/** Where `content-length:` (any case) starts in `bytes`, from `from` on; -1 when it does not. */
function findLengthField(bytes: Buffer, from: number): number {
  return bytes.toString('latin1').toLowerCase().indexOf(LENGTH_FIELD, from);
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);
}

/**
 * A MessageReader over a readable stream that reports bad frames to `onBadFrame` and reads on.
 * The stream ending (or closing) closes the reader, as with vscode-jsonrpc's own.
 */
export class FramedMessageReader extends AbstractMessageReader {
  private readonly parser: FrameParser;

  constructor(
    private readonly readable: NodeJS.ReadableStream,
    private readonly onBadFrame: (bad: BadFrame) => void,
    limits?: Partial<FrameLimits>,
  ) {
    super();
    this.parser = new FrameParser(limits);
  }

  listen(callback: DataCallback): Disposable {
    const onData = (chunk: Buffer | string) => {
      for (const event of this.parser.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) {
        if (event.kind === 'message') callback(event.message as Message);
        else this.onBadFrame(event.bad);
      }
    };
    let closed = false;
    const onClose = () => {
      if (closed) return;
      closed = true;
      this.fireClose();
    };
    const onError = (error: Error) => this.fireError(error);
    this.readable.on('data', onData);
    this.readable.on('error', onError);
    this.readable.on('end', onClose);
    this.readable.on('close', onClose);
    // A socket that was read from before (the relay's hello) is left paused; 'data' alone would not resume it.
    this.readable.resume();
    return Disposable.create(() => {
      this.readable.off('data', onData);
      this.readable.off('error', onError);
      this.readable.off('end', onClose);
      this.readable.off('close', onClose);
    });
  }
}
