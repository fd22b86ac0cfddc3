import assert from 'node:assert/strict';
import { appEnvironment, CLOSED_PROXY } from '../../../../daemon/checks/smoke/app-environment';
import { RELAY_SOCKET_VARIABLE } from '../../../../daemon/checks/smoke/sandbox-guard';
import { createSmokeLimiter } from '../../../../daemon/checks/smoke/smoke-limiter';

const folder = {
  root: '/sandbox',
  backend: '/sandbox/backend',
  home: '/sandbox/home',
  tmp: '/sandbox/tmp',
  guard: '/sandbox/guard',
  relaySocket: '/sandbox/relay.sock',
  stdoutSocket: '/sandbox/out.sock',
  stderrSocket: '/sandbox/err.sock',
};

describe('smoke app environment', () => {
  it('gives the app its port, the sandbox folders and closed proxies, and nothing of the user but PATH', () => {
    const env = appEnvironment({ folder, port: 5123, path: '/usr/bin:/bin', relay: false });
    assert.equal(env.PATH, '/usr/bin:/bin');
    assert.deepEqual([env.BACKEND_PORT, env.PORT, env.FLASK_RUN_PORT], ['5123', '5123', '5123']);
    assert.deepEqual(
      [env.HOME, env.TMPDIR, env.PYTHONPATH],
      ['/sandbox/home', '/sandbox/tmp', '/sandbox/guard'],
    );
    assert.equal(env.PYTHONDONTWRITEBYTECODE, '1');
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy']) {
      assert.equal(env[name], CLOSED_PROXY);
    }
    assert.equal(env.NO_PROXY, '127.0.0.1,localhost');
    assert.equal(env[RELAY_SOCKET_VARIABLE], undefined);
    for (const value of Object.values(env)) assert.ok(!value.includes(process.env.HOME ?? '\0'));
    assert.equal(
      appEnvironment({ folder, port: 1, path: undefined, relay: true })[RELAY_SOCKET_VARIABLE],
      folder.relaySocket,
    );
  });
});

describe('smoke limiter', () => {
  it('runs at most its concurrency of checks at once', async () => {
    const limiter = createSmokeLimiter(2);
    let running = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const task = () =>
      limiter.run(async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
        return 'done';
      });
    const all = Promise.all([task(), task(), task(), task()]);
    while (releases.length < 2) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(running, 2);
    while (releases.length > 0 || running > 0) {
      releases.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.deepEqual(await all, ['done', 'done', 'done', 'done']);
    assert.equal(most, 2);
    assert.throws(() => createSmokeLimiter(0), /positive integer, got 0/);
  });
});
