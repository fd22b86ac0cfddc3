/**
 * One HTTP request to the checked app, always on this machine: TCP to 127.0.0.1, or the sandbox's
 * Unix socket when the app runs in a network namespace. It never throws: a refused, reset or
 * timed-out request is an answer without a status. The body is read up to a limit (an event
 * stream up to its first chunk), so an app that answers forever cannot hold a probe.
 */
import { type ClientRequest, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** Where the app listens, as seen from the checker. */
export type AppTarget = { port: number; socketPath?: string };

export interface HttpCall {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  timeoutMs: number;
}

export interface HttpAnswer {
  status?: number;
  headers: IncomingHttpHeaders;
  /** The body read (up to the limit), as text. */
  body: string;
  /** The body parsed, when it is JSON. */
  value?: unknown;
  json: boolean;
  /** Why no status came, when none did. */
  error?: string;
}

export const BODY_LIMIT_BYTES = 256 * 1024;

export function sendHttp(target: AppTarget, call: HttpCall): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const where = target.socketPath
      ? { socketPath: target.socketPath }
      : { host: '127.0.0.1', port: target.port };
    const body = call.body === undefined ? undefined : Buffer.from(call.body);
    const headers: Record<string, string> = { host: `127.0.0.1:${target.port}`, ...call.headers };
    if (body) headers['content-length'] = String(body.length);
    let settled = false;
    const finish = (answer: HttpAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(answer);
    };
    let req: ClientRequest;
    try {
      req = httpRequest({ ...where, method: call.method, path: call.path, headers, agent: false });
    } catch (error) {
      // A path or method Node will not send (a template's path with a space, say).
      resolve({ headers: {}, body: '', json: false, error: (error as Error).message });
      return;
    }
    // Headers came but the body stalls: what came so far is the answer.
    let partial: (() => HttpAnswer) | undefined;
    const timer = setTimeout(
      () =>
        finish(
          partial?.() ?? {
            headers: {},
            body: '',
            json: false,
            error: `no answer within ${call.timeoutMs} ms`,
          },
        ),
      call.timeoutMs,
    );
    req.on('error', (error) => finish({ headers: {}, body: '', json: false, error: error.message }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      partial = () => answerOf(res.statusCode, res.headers, Buffer.concat(chunks));
      const done = (): void => finish(partial!());
      const stream = String(res.headers['content-type'] ?? '').startsWith('text/event-stream');
      res.on('data', (chunk: Buffer) => {
        if (size < BODY_LIMIT_BYTES) chunks.push(chunk.subarray(0, BODY_LIMIT_BYTES - size));
        size += chunk.length;
        if (stream || size >= BODY_LIMIT_BYTES) done();
      });
      res.on('end', done);
      res.on('error', done);
      res.on('close', done);
    });
    req.end(body);
  });
}

function answerOf(status: number | undefined, headers: IncomingHttpHeaders, bytes: Buffer): HttpAnswer {
  const body = bytes.toString('utf8');
  try {
    if (body.trim() !== '') return { status, headers, body, value: JSON.parse(body), json: true };
  } catch {
    // Not JSON: said by `json: false`.
  }
  return { status, headers, body, json: false };
}
