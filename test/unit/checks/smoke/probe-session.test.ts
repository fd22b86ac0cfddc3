import assert from 'node:assert/strict';
import type { HttpAnswer, HttpCall } from '../../../../daemon/checks/smoke/probe-http';
import { PROBE_REQUEST_MS, ProbeSession, probeOf } from '../../../../daemon/checks/smoke/probe-session';

function json(status: number, value: unknown): HttpAnswer {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
    value,
    json: true,
  };
}

describe('smoke probe session', () => {
  it('fills path parameters from what was created on the collection, else from anything created, else 1', () => {
    const session = new ProbeSession(
      { port: 1 },
      10_000,
      () => 0,
      async () => json(200, {}),
    );
    const param = (name: string, collection: string, converter?: string) => ({
      name,
      token: `<${name}>`,
      collection,
      converter,
    });
    assert.equal(session.valueFor(param('id', '/api/todos')), '1');
    session.remember('/api/todos', { id: 42, title: 'x' });
    session.remember('/api/links', { code: 'aZ3k', url: 'https://example.com' });
    assert.equal(session.valueFor(param('id', '/api/todos')), '42');
    assert.equal(session.valueFor(param('code', '/api/r')), 'aZ3k');
    assert.equal(session.valueFor(param('code', '/api/links')), 'aZ3k');
    assert.equal(session.valueFor(param('code', '/api/links', 'int')), '1');
    session.remember('/api/products/<id>/movements', {
      movement: { id: 58, direction: 'out' },
      product: { sku: 'A' },
    });
    assert.equal(session.valueFor(param('id', '/api/products/<id>/movements')), '58');
  });

  it('sends a token a login answered with every later request', async () => {
    const calls: HttpCall[] = [];
    const session = new ProbeSession(
      { port: 1 },
      10_000,
      () => 0,
      async (_target, call) => {
        calls.push(call);
        return json(200, call.path === '/api/auth/login' ? { token: 'abc.def' } : {});
      },
    );
    await session.request({ method: 'GET', path: '/api/me' });
    await session.request({ method: 'POST', path: '/api/auth/login', body: '{}' });
    await session.request({ method: 'GET', path: '/api/me' });
    assert.equal(calls[0]!.headers?.authorization, undefined);
    assert.equal(calls[2]!.headers?.authorization, 'Bearer abc.def');
    assert.equal(session.sent.length, 3);
  });

  it('bounds each request by the time left and sends nothing once it is out', async () => {
    let now = 0;
    const timeouts: number[] = [];
    const session = new ProbeSession(
      { port: 1 },
      7_000,
      () => now,
      async (_target, call) => {
        timeouts.push(call.timeoutMs);
        return json(200, {});
      },
    );
    await session.request({ method: 'GET', path: '/a' });
    now = 5_000;
    await session.request({ method: 'GET', path: '/b' });
    now = 7_000;
    const late = await session.request({ method: 'GET', path: '/c' });
    assert.deepEqual(timeouts, [PROBE_REQUEST_MS, 2_000]);
    assert.equal(late.status, undefined);
    assert.match(late.error!, /out of time/);
  });

  it('keeps at most 500 characters of a body in a probe', () => {
    const probe = probeOf({
      name: 'GET /x',
      kind: 'endpoint',
      method: 'GET',
      path: '/x',
      requestBody: 'r'.repeat(900),
      answer: { status: 200, headers: {}, body: 'b'.repeat(900), json: false },
    });
    assert.equal(probe.bodyExcerpt.length, 500);
    assert.equal(probe.requestBody!.length, 500);
    assert.equal(probe.verdict, 'ok');
  });
});
