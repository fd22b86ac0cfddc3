import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPython } from '../../daemon/checks/smoke/find-python';
import { probeNamespace } from '../../daemon/checks/smoke/network-isolation';
import { runSmokeCheck, type SmokeCheckOptions } from '../../daemon/checks/smoke/run-smoke-check';
import type { SmokeResult } from '../../daemon/checks/smoke/smoke-result';
import { fixtureApp, needPython, processesMentioning, tempRoot } from './smoke-helpers';

async function check(name: string, options: Partial<SmokeCheckOptions> = {}): Promise<SmokeResult> {
  const root = tempRoot();
  const result = await runSmokeCheck({ ...fixtureApp(name), tempRoot: root, ...options });
  assert.deepEqual(processesMentioning(root), [], 'a process of the check is still alive');
  assert.deepEqual(readdirSync(root), [], 'the sandbox folder is still there');
  return result;
}

/** The JSON an endpoint probe of the network fixture got. */
function answerOf(result: SmokeResult, path: string): Record<string, unknown> {
  const probe = result.probes.find((p) => p.kind === 'endpoint' && p.path === path);
  assert.ok(probe, `no probe of ${path}`);
  return JSON.parse(probe.bodyExcerpt);
}

describe('smoke check containment (real Python)', function () {
  this.timeout(30_000);
  before(async function () {
    await needPython(this);
  });

  it('stops a worker the app detached from its process group, and fails the app that then exited', async () => {
    const result = await check('fork-child');
    assert.equal(result.verdict, 'failed');
    assert.match(result.reason!, /exited with code 1 before GET \/api\/health answered/);
    assert.match(result.reason!, /the worker started, but NOTES_SECRET is not set$/);
  });

  it('reads an app that prints megabytes to the end without keeping them, and reports its exit', async () => {
    const started = Date.now();
    const result = await check('megabytes');
    assert.equal(result.verdict, 'failed');
    // An undrained pipe would have blocked the app before its exit, into the health timeout.
    assert.match(result.reason!, /^backend\/app\.py exited with code 1 before GET \/api\/health answered/);
    assert.match(result.reason!, /bytes before them not kept\):\n/);
    assert.match(result.reason!, /printed 48 MB and stopped$/);
    assert.ok(result.reason!.length < 3_000, `a reason of ${result.reason!.length} characters`);
    assert.ok(Date.now() - started < 10_000);
  });

  it('gives the app its sandbox and no variable of the user beyond PATH, and listens on 127.0.0.1 only (host network)', async () => {
    const { template, ...app } = fixtureApp('network');
    process.env.OPENROUTER_API_KEY = 'sk-or-v1-smoke-test-key';
    let result: SmokeResult;
    try {
      const root = tempRoot();
      // Only the endpoints that send nothing out: on the host's network nothing else may be tried.
      const local = { api_endpoints: template.api_endpoints.filter((e) => e.path !== '/api/outbound') };
      result = await runSmokeCheck({ ...app, template: local, tempRoot: root, isolation: 'host' });
      assert.deepEqual(processesMentioning(root), []);
      const env = answerOf(result, '/api/env') as {
        names: string[];
        proxy: string;
        home: string;
        tmp: string;
        sandbox: string;
      };
      assert.ok(!env.names.includes('OPENROUTER_API_KEY'));
      assert.match(env.sandbox, new RegExp(`^${root}/appgen-smoke-\\w+$`));
      assert.deepEqual([env.home, env.tmp, env.proxy], ['home', 'tmp', 'http://127.0.0.1:9']);
      const allowed = [
        'PATH',
        'HOME',
        'TMPDIR',
        'PYTHONPATH',
        'BACKEND_PORT',
        'PORT',
        'FLASK_RUN_PORT',
        'FLASK_RUN_HOST',
      ];
      // Python and Werkzeug set LC_CTYPE and WERKZEUG_SERVER_FD themselves.
      const unexpected = env.names.filter(
        (name) => !allowed.includes(name) && !/^(PYTHON|WERKZEUG_|LC_CTYPE$)/.test(name),
      );
      assert.deepEqual(unexpected, []);
      // 0100007F is 127.0.0.1 as the kernel's table writes it; 00000000 would be every interface.
      assert.deepEqual(answerOf(result, '/api/listening'), { addresses: ['0100007F'] });
    } finally {
      delete process.env.OPENROUTER_API_KEY;
    }
    assert.equal(result.verdict, 'passed', result.reason);
  });

  it('makes a server bound to every IPv6 interface listen on loopback only, reachable at 127.0.0.1', async () => {
    const { appDir, template } = fixtureApp('network');
    const copy = tempRoot();
    mkdirSync(join(copy, 'backend'));
    const source = readFileSync(join(appDir, 'backend', 'app.py'), 'utf8');
    writeFileSync(
      join(copy, 'backend', 'app.py'),
      source.replace('app.run(host="0.0.0.0"', 'app.run(host="::"'),
    );
    const local = { api_endpoints: template.api_endpoints.filter((e) => e.path === '/api/listening') };
    const result = await check('network', { appDir: copy, template: local, isolation: 'host' });
    assert.equal(result.verdict, 'passed', result.reason);
    // ::ffff:127.0.0.1 as the kernel's table writes it; all zeros would be every interface.
    assert.deepEqual(answerOf(result, '/api/listening'), { addresses: ['0000000000000000FFFF00000100007F'] });
  });

  it('refuses every address beyond 127.0.0.1 to the app, in a network namespace', async function () {
    const python = await findPython();
    if (!python.ok || !(await probeNamespace(python.executable)).usable) {
      process.stderr.write(
        '[skipped] no usable network namespace here: the outbound probes run only inside one\n',
      );
      this.skip();
    }
    const result = await check('network', { isolation: 'namespace' });
    assert.equal(result.verdict, 'passed', result.reason);
    const outbound = answerOf(result, '/api/outbound') as Record<string, { ok: boolean; error: string }>;
    assert.match(
      outbound.lookup!.error,
      /^gaierror: .*AppGen smoke check: no network beyond 127\.0\.0\.1 \(refused example\.com\)/,
    );
    assert.match(
      outbound.connect!.error,
      /^PermissionError: AppGen smoke check: no network beyond 127\.0\.0\.1 \(refused 192\.0\.2\.1\)/,
    );
    assert.match(outbound.proxied!.error, /^URLError: .*Connection refused/);
    assert.deepEqual(answerOf(result, '/api/listening'), { addresses: ['0100007F'] });
  });
});
