import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { findPython } from '../../daemon/checks/smoke/find-python';
import { runSmokeCheck, type SmokeCheckOptions } from '../../daemon/checks/smoke/run-smoke-check';
import type { Probe, SmokeResult } from '../../daemon/checks/smoke/smoke-result';
import { fingerprint, fixtureApp, needPython, processesMentioning, tempRoot } from './smoke-helpers';

/** Runs the check of fixture `name` in a sandbox root of its own and checks it left nothing. */
async function check(name: string, options: Partial<SmokeCheckOptions> = {}): Promise<SmokeResult> {
  const root = tempRoot();
  const app = fixtureApp(name);
  const before = fingerprint(app.appDir);
  const result = await runSmokeCheck({ ...app, tempRoot: root, ...options });
  assert.deepEqual(processesMentioning(root), [], 'a process of the check is still alive');
  assert.deepEqual(readdirSync(root), [], 'the sandbox folder is still there');
  assert.equal(fingerprint(app.appDir), before, 'the app folder changed');
  return result;
}

const failedNames = (result: SmokeResult): string[] =>
  result.probes.filter((probe) => probe.verdict === 'failed').map((probe) => probe.name);
const probeNamed = (result: SmokeResult, name: string): Probe =>
  result.probes.find((probe) => probe.name === name)!;

describe('smoke check of fixture apps (real Python)', function () {
  this.timeout(30_000);
  before(async function () {
    await needPython(this);
  });

  for (const isolation of ['namespace', 'host'] as const) {
    it(`passes an app that does everything right, leaving its folder as it was (${isolation} network)`, async function () {
      const result = await check('pass', { isolation });
      if (result.verdict === 'skipped' && isolation === 'namespace') this.skip();
      assert.equal(result.verdict, 'passed', JSON.stringify(result, null, 2));
      assert.equal(result.reason, undefined);
      assert.deepEqual([result.endpointsOk, result.endpointsTotal], [5, 5]);
      assert.deepEqual(
        result.probes.map((probe) => `${probe.kind} ${probe.name} ${probe.verdict}`),
        [
          'endpoint POST /api/notes ok',
          'endpoint GET /api/notes ok',
          'endpoint GET /api/notes/<id> ok',
          'endpoint PATCH /api/notes/<id> ok',
          'endpoint DELETE /api/notes/<id> ok',
          'error-convention malformed-json ok',
          'error-convention unknown-id ok',
          'security sql-injection-query ok',
          'security sql-injection-path ok',
          'security no-debugger ok',
        ],
      );
      const created = probeNamed(result, 'POST /api/notes');
      assert.equal(created.status, 201);
      assert.equal(created.requestBody, '{"title":"Groceries","body":"milk"}');
      const id = JSON.parse(created.bodyExcerpt).id;
      assert.equal(probeNamed(result, 'GET /api/notes/<id>').path, `/api/notes/${id}`);
      assert.ok(result.durationMs > 0 && result.durationMs < 10_000, `took ${result.durationMs} ms`);
    });
  }

  it('fails an app with a syntax error, quoting Python', async () => {
    const result = await check('syntax-error');
    assert.equal(result.verdict, 'failed');
    assert.match(result.reason!, /^backend\/app\.py exited with code 1 before GET \/api\/health answered/);
    assert.match(result.reason!, /SyntaxError: invalid syntax/);
    assert.match(result.reason!, /File "backend\/app\.py", line 52/);
    assert.deepEqual(result.probes, []);
  });

  it('fails an app that crashes while starting, with its traceback', async () => {
    const result = await check('crash-start');
    assert.equal(result.verdict, 'failed');
    assert.match(result.reason!, /exited with code 1/);
    assert.match(result.reason!, /FileNotFoundError: .*settings\.json/);
  });

  it('fails an app whose health check never answers, within the time it was given', async () => {
    const result = await check('no-health', { timeoutMs: 4_000 });
    assert.equal(result.verdict, 'failed');
    assert.match(result.reason!, /^GET \/api\/health did not answer 2xx within 4 s \(last: no answer/);
    assert.ok(result.durationMs < 4_000 + 3_000, `took ${result.durationMs} ms`);
  });

  it('fails an app that listens on a port of its own, saying it does not read BACKEND_PORT', async () => {
    const result = await check('fixed-port', { healthTimeoutMs: 2_000 });
    assert.equal(result.verdict, 'failed');
    assert.match(
      result.reason!,
      /backend\/app\.py does not read BACKEND_PORT \(it was given port \d+ in BACKEND_PORT/,
    );
  });

  it('finds a partial app whose endpoints are missing', async () => {
    const result = await check('missing-endpoints');
    assert.equal(result.verdict, 'partial');
    assert.deepEqual([result.endpointsOk, result.endpointsTotal], [1, 5]);
    assert.deepEqual(failedNames(result), [
      'POST /api/notes',
      'GET /api/notes/<id>',
      'PATCH /api/notes/<id>',
      'DELETE /api/notes/<id>',
    ]);
    assert.match(result.reason!, /^1 of 5 endpoints work; POST \/api\/notes: answered 405/);
  });

  it('finds a partial app whose errors are HTML pages', async () => {
    const result = await check('html-errors');
    assert.equal(result.verdict, 'partial');
    assert.equal(result.endpointsOk, 5);
    assert.deepEqual(failedNames(result), ['malformed-json', 'unknown-id']);
    assert.equal(probeNamed(result, 'malformed-json').reason, 'answered 400 with HTML, not a JSON error');
    assert.equal(probeNamed(result, 'unknown-id').reason, 'answered 404 with HTML, not a JSON error');
    assert.match(probeNamed(result, 'unknown-id').bodyExcerpt, /<title>404 Not Found<\/title>/);
  });

  it('fails an app whose search is open to SQL injection, although every endpoint works', async () => {
    const result = await check('sql-injection');
    assert.equal(result.verdict, 'failed');
    assert.equal(result.endpointsOk, 5);
    assert.deepEqual(failedNames(result), ['sql-injection-query']);
    assert.match(probeNamed(result, 'sql-injection-query').reason!, /the query was bypassed/);
    assert.match(result.reason!, /^security probe failed \(sql-injection-query\)/);
  });

  it('fails an app that serves files outside its folder', async () => {
    const result = await check('traversal');
    assert.equal(result.verdict, 'failed');
    assert.equal(result.endpointsOk, 3);
    assert.deepEqual(failedNames(result), ['path-traversal']);
    const probe = probeNamed(result, 'path-traversal');
    assert.match(probe.path, /^\/api\/files\/.*etc.*passwd$/);
    assert.match(probe.bodyExcerpt, /^root:x:0:0/);
  });

  it('fails an app that serves the Werkzeug debugger, and stops its reloader too', async () => {
    const result = await check('debugger');
    assert.equal(result.verdict, 'failed');
    const probe = probeNamed(result, 'no-debugger');
    assert.equal(probe.verdict, 'failed');
    assert.match(probe.path, /^\/api\/notes\/\d+$/);
    assert.equal(probe.status, 500);
  });

  it("works with Debian's python3 and its Flask 2.2 as well, when it has them", async function () {
    if (!(await findPython('/usr/bin/python3')).ok) {
      process.stderr.write('[skipped] /usr/bin/python3 cannot import flask and flask_cors\n');
      this.skip();
    }
    assert.equal((await check('pass', { python: '/usr/bin/python3' })).verdict, 'passed');
    assert.deepEqual(failedNames(await check('html-errors', { python: '/usr/bin/python3' })), [
      'malformed-json',
      'unknown-id',
    ]);
  });

  it('skips, saying why, when the interpreter cannot import Flask', async () => {
    const result = await check('pass', { python: '/nonexistent/python3' });
    assert.equal(result.verdict, 'skipped');
    assert.match(
      result.reason!,
      /no Python that can import flask and flask_cors \(\/nonexistent\/python3: not found\)/,
    );
  });

  it('fails an app without backend/app.py and refuses a relative app folder', async () => {
    const root = tempRoot();
    const result = await runSmokeCheck({ appDir: root, template: { api_endpoints: [] } });
    assert.equal(result.verdict, 'failed');
    assert.match(result.reason!, /backend\/app\.py does not exist$/);
    await assert.rejects(
      runSmokeCheck({ appDir: 'generated/app1', template: { api_endpoints: [] } }),
      /absolute path/,
    );
  });
});
