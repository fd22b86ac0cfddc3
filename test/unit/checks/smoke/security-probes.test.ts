import assert from 'node:assert/strict';
import type { HttpAnswer, HttpCall } from '../../../../daemon/checks/smoke/probe-http';
import { ProbeSession } from '../../../../daemon/checks/smoke/probe-session';
import { probeSecurity } from '../../../../daemon/checks/smoke/security-probes';
import type { TemplateEndpoint } from '../../../../daemon/templates/template';

function json(status: number, value: unknown): HttpAnswer {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
    value,
    json: true,
  };
}

const notes: TemplateEndpoint[] = [
  {
    method: 'GET',
    path: '/api/notes',
    description: 'List; query parameter q',
    request: null,
    response: null,
  },
  { method: 'POST', path: '/api/notes', description: 'Create', request: { title: 'a' }, response: null },
  { method: 'GET', path: '/api/notes/<id>', description: 'One', request: null, response: null },
];

/**
 * A notes API in memory whose search and lookup behave as string-built SQL would, when `unsafe`:
 * a quote breaks the query (500 with sqlite's message) and a tautology matches every row.
 */
function fakeNotesApi(unsafe: { search?: boolean; lookup?: boolean; debugger?: boolean }) {
  const rows = [{ id: 1, title: 'first' }];
  return async (_target: unknown, call: HttpCall): Promise<HttpAnswer> => {
    const url = new URL(call.path, 'http://127.0.0.1');
    if (call.method === 'POST') {
      rows.push({ id: rows.length + 1, title: 'a' });
      return json(201, rows.at(-1));
    }
    if (url.pathname === '/api/notes') {
      const q = url.searchParams.get('q') ?? '';
      if (unsafe.search && q.includes("'")) {
        if (q.includes("'1'='1")) return json(200, { items: rows, total: rows.length });
        return {
          status: 500,
          headers: {},
          body: 'sqlite3.OperationalError: near "Brien": syntax error',
          json: false,
        };
      }
      const items = rows.filter((row) => row.title.includes(q));
      return json(200, { items, total: items.length });
    }
    const id = decodeURIComponent(url.pathname.split('/').pop()!);
    if (unsafe.debugger && id === '1') {
      return { status: 500, headers: {}, body: '<title>Werkzeug Debugger</title>', json: false };
    }
    if (unsafe.lookup && id.includes("'1'='1")) return json(200, rows[0]);
    const row = rows.find((r) => String(r.id) === id);
    return row ? json(200, row) : json(404, { error: 'not found' });
  };
}

async function run(unsafe: Parameters<typeof fakeNotesApi>[0]) {
  const session = new ProbeSession({ port: 1 }, 60_000, () => 0, fakeNotesApi(unsafe));
  await session.request({ method: 'GET', path: '/api/notes/1' });
  const probes = await probeSecurity(session, notes);
  return new Map(probes.map((probe) => [probe.name, probe]));
}

describe('smoke security probes', () => {
  it('finds nothing on a safe API', async () => {
    const probes = await run({});
    assert.deepEqual([...probes.keys()], ['sql-injection-query', 'sql-injection-path', 'no-debugger']);
    assert.ok([...probes.values()].every((probe) => probe.verdict === 'ok'));
  });

  it('sees a search that a tautology bypasses', async () => {
    const probe = (await run({ search: true })).get('sql-injection-query')!;
    assert.equal(probe.verdict, 'failed');
    assert.equal(probe.path, "/api/notes?q='%20OR%20'1'%3D'1");
    assert.match(probe.reason!, /the query was bypassed/);
  });

  it('sees a lookup that finds a record for an unknown id with a tautology', async () => {
    const probe = (await run({ lookup: true })).get('sql-injection-path')!;
    assert.equal(probe.verdict, 'failed');
    assert.match(
      probe.reason!,
      /answered 200 for an unknown id followed by ' OR '1'='1, and 404 for the unknown id alone/,
    );
  });

  it('sees the debugger on any answer of the check', async () => {
    const probe = (await run({ debugger: true })).get('no-debugger')!;
    assert.equal(probe.verdict, 'failed');
    assert.equal(probe.path, '/api/notes/1');
  });
});
