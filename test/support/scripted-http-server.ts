/**
 * A real HTTP server on 127.0.0.1 that answers each request with the next scripted reply, for
 * tests of the HTTP client itself. It records every request, and a request with no reply left
 * gets a 500 and is counted as unexpected.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ScriptedReply =
  | { status: number; body?: string | object; headers?: Record<string, string> }
  /** Closes the connection without an answer. */
  | { hangUp: true };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ScriptedHttpServer {
  origin: string;
  requests: RecordedRequest[];
  /** Requests that found no reply left. */
  unexpected: number;
  /** Queues `reply`, `times` times. */
  reply: (reply: ScriptedReply, times?: number) => void;
  /** Replies queued but not yet sent. */
  pending: () => number;
  /** Connections accepted so far. */
  connections: () => number;
  close: () => Promise<void>;
}

export async function startScriptedHttpServer(): Promise<ScriptedHttpServer> {
  const replies: ScriptedReply[] = [];
  let accepted = 0;
  const state: ScriptedHttpServer = {
    origin: '',
    requests: [],
    unexpected: 0,
    reply: (reply, times = 1) => {
      for (let i = 0; i < times; i++) replies.push(reply);
    },
    pending: () => replies.length,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      state.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const next = replies.shift();
      if (!next) {
        state.unexpected += 1;
        res.writeHead(500, { 'content-type': 'text/plain' }).end('no scripted reply left');
        return;
      }
      if ('hangUp' in next) {
        req.socket.destroy();
        return;
      }
      const text =
        typeof next.body === 'string' ? next.body : next.body === undefined ? '' : JSON.stringify(next.body);
      const type = typeof next.body === 'object' ? 'application/json' : 'text/plain';
      res.writeHead(next.status, { 'content-type': type, ...next.headers }).end(text);
    });
  });
  server.on('connection', () => {
    accepted += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
