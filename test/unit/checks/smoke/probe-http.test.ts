import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BODY_LIMIT_BYTES, sendHttp } from '../../../../daemon/checks/smoke/probe-http';

describe('smoke probe HTTP', () => {
  let server: Server;
  let port: number;
  const open = new Set<ServerResponse>();

  before(async () => {
    server = createServer((req, res) => {
      open.add(res);
      if (req.url === '/json') res.end('{"ok":true}');
      else if (req.url === '/big') res.end('x'.repeat(1024 * 1024));
      else if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('event: message\ndata: {}\n\n');
      } else if (req.url === '/stall') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"partial"');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    for (const res of open) res.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads a JSON answer', async () => {
    const answer = await sendHttp({ port }, { method: 'GET', path: '/json', timeoutMs: 2_000 });
    assert.deepEqual([answer.status, answer.json, answer.value], [200, true, { ok: true }]);
  });

  it('reads a body up to its limit', async () => {
    const answer = await sendHttp({ port }, { method: 'GET', path: '/big', timeoutMs: 2_000 });
    assert.equal(answer.body.length, BODY_LIMIT_BYTES);
  });

  it('answers an event stream with its first chunk and a stalled body with what came by the limit', async () => {
    const stream = await sendHttp({ port }, { method: 'GET', path: '/stream', timeoutMs: 5_000 });
    assert.equal(stream.status, 200);
    assert.match(stream.body, /^event: message/);
    const stalled = await sendHttp({ port }, { method: 'GET', path: '/stall', timeoutMs: 300 });
    assert.deepEqual([stalled.status, stalled.body, stalled.json], [200, '{"partial"', false]);
  });

  it('never throws: a refused connection and a path Node will not send are answers without a status', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await sendHttp({ port: closedPort }, { method: 'GET', path: '/', timeoutMs: 2_000 });
    assert.equal(refused.status, undefined);
    assert.match(refused.error!, /ECONNREFUSED/);
    const bad = await sendHttp({ port }, { method: 'GET', path: '/api/x y', timeoutMs: 2_000 });
    assert.equal(bad.status, undefined);
    assert.match(bad.error!, /unescaped characters/);
  });
});
