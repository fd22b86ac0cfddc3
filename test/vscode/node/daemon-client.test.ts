import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaemonClient, type DaemonLog, type DaemonState } from '../../../extension/daemon-client';
import { RestartPolicy } from '../../../extension/restart-policy';
import type { Job } from '../../../shared/job';
import {
  GenerationGetRequest,
  GenerationStartRequest,
  type InitializeParams,
  type InitializeResult,
  StatusRequest,
} from '../../../shared/protocol';

const FAKE_DAEMON = join(__dirname, 'fixtures', 'fake-daemon.cjs');

interface Harness {
  client: DaemonClient;
  lines: { level: string; text: string }[];
  params: InitializeParams;
}

const clients: DaemonClient[] = [];
let folder: string;

function makeClient(
  mode: string,
  extra: {
    crashFile?: string;
    policy?: RestartPolicy;
    graceMs?: number;
    daemonPath?: string;
    inheritedEnv?: NodeJS.ProcessEnv;
  } = {},
): Harness {
  const lines: { level: string; text: string }[] = [];
  const record =
    (level: string) =>
    (text: string): void => {
      lines.push({ level, text });
    };
  const log: DaemonLog = {
    trace: record('trace'),
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
  const params: InitializeParams = {
    clientName: 'test',
    apiKey: 'sk-test-key-123456',
    config: { maxConcurrent: 2 },
  };
  const client = new DaemonClient({
    folder,
    daemonPath: extra.daemonPath ?? FAKE_DAEMON,
    execPath: process.execPath,
    env: {
      ...process.env,
      FAKE_DAEMON_MODE: mode,
      ...(extra.crashFile ? { FAKE_CRASH_FILE: extra.crashFile } : {}),
      ...extra.inheritedEnv,
    },
    initializeParams: async () => structuredClone(params),
    log,
    restartPolicy:
      extra.policy ?? new RestartPolicy({ maxCrashes: 3, windowMs: 60_000, baseDelayMs: 5, maxDelayMs: 20 }),
    shutdownGraceMs: extra.graceMs ?? 2000,
  });
  clients.push(client);
  return { client, lines, params };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves with the first value of an event that passes the check. */
function next<T>(
  subscribe: (listener: (value: T) => void) => { dispose(): void },
  check: (value: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve) => {
    const subscription = subscribe((value) => {
      if (check(value)) {
        subscription.dispose();
        resolve(value);
      }
    });
  });
}

describe('DaemonClient', () => {
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'appgen-client-'));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    rmSync(folder, { recursive: true, force: true });
  });

  it('starts nothing until the first request', () => {
    const { client } = makeClient('ok');
    assert.equal(client.state, 'stopped');
    assert.equal(client.pid, undefined);
  });

  it('spawns the daemon with --stdio --workspace and ELECTRON_RUN_AS_NODE, and sends initialize first', async () => {
    const { client } = makeClient('ok');
    const status = await client.request(StatusRequest, {});
    assert.equal(client.state, 'running');
    assert.equal(status.pid, client.pid);
    const init = client.initializeResult as InitializeResult & { argv: string[]; electronRunAsNode: string };
    // The key is checked by the fake daemon, never echoed back.
    assert.ok(!JSON.stringify(init).includes('sk-test-key'));
    assert.deepEqual(init.argv, ['--stdio', '--workspace', folder]);
    assert.equal(init.electronRunAsNode, '1');
    assert.equal(init.hasApiKey, true);
    assert.equal(init.queue.maxConcurrent, 2);
  });

  it('gives the daemon the key in initialize only, never in its environment, not even an inherited one', async () => {
    const { client } = makeClient('ok', {
      inheritedEnv: { OPENROUTER_API_KEY: 'sk-inherited-from-the-editor' },
    });
    await client.ensureStarted();
    const init = client.initializeResult as InitializeResult & {
      envHasKey: boolean;
      envMaxConcurrent: string;
    };
    assert.equal(init.envHasKey, false);
    assert.equal(init.hasApiKey, true);
    // Settings are no secret: they still start the daemon with the values initialize brings.
    assert.equal(init.envMaxConcurrent, '2');
  });

  it("forwards the daemon's JSON log lines at their level", async () => {
    const { client, lines } = makeClient('ok');
    await client.ensureStarted();
    await client.request(StatusRequest, {});
    // stderr is a separate pipe: wait for the line rather than assume it has arrived.
    await new Promise<void>((resolve) => {
      const check = () =>
        lines.some((line) => line.text.startsWith('fake daemon ready')) ? resolve() : setImmediate(check);
      check();
    });
    const ready = lines.find((line) => line.text.startsWith('fake daemon ready'));
    assert.equal(ready?.level, 'warn');
    assert.match(ready?.text ?? '', /"mode":"ok"/);
  });

  it('delivers generation/changed notifications', async () => {
    const { client } = makeClient('ok');
    const changed = next<Job>((listener) => client.onJobChanged(listener));
    const job = await client.request(GenerationStartRequest, { templateSlug: 't', model: 'sim/alpha' });
    const update = await changed;
    assert.equal(update.id, job.id);
    assert.equal(update.status, 'running');
  });

  it('re-sends initialize with the latest params to a running daemon', async () => {
    const { client, params } = makeClient('ok');
    await client.ensureStarted();
    params.config = { maxConcurrent: 7 };
    const result = (await client.reinitialize()) as InitializeResult & { initializeCount: number };
    assert.equal(result.queue.maxConcurrent, 7);
    assert.equal(result.initializeCount, 2);
    assert.equal((await client.request(StatusRequest, {})).queue.maxConcurrent, 7);
  });

  it('does not start a stopped daemon just to re-initialize it', async () => {
    const { client } = makeClient('ok');
    assert.equal(await client.reinitialize(), undefined);
    assert.equal(client.state, 'stopped');
  });

  it('rejects a request that is pending when the daemon dies, instead of hanging', async () => {
    const { client } = makeClient('die-on-get', {
      policy: new RestartPolicy({ maxCrashes: 1, windowMs: 60_000, baseDelayMs: 5, maxDelayMs: 5 }),
    });
    await assert.rejects(client.request(GenerationGetRequest, { jobId: 'x' }));
  });

  it('restarts a daemon killed from outside and announces it ready again', async () => {
    const { client } = makeClient('ok');
    await client.ensureStarted();
    const oldPid = client.pid!;
    const ready = next<InitializeResult>((listener) => client.onReady(listener));
    const states: DaemonState[] = [];
    client.onDidChangeState((state) => states.push(state));
    process.kill(oldPid, 'SIGKILL');
    const init = (await ready) as InitializeResult & { initializeCount: number; envHasKey: boolean };
    assert.equal(client.state, 'running');
    assert.notEqual(client.pid, oldPid);
    assert.deepEqual(states, ['restarting', 'starting', 'running']);
    // The new process learns the key from its first initialize: the one it resumes jobs after.
    assert.equal(init.initializeCount, 1);
    assert.equal(init.hasApiKey, true);
    assert.equal(init.envHasKey, false);
  });

  it('gives up after repeated crashes, says so, and starts again on an explicit restart', async () => {
    const crashFile = join(folder, 'crash-now');
    writeFileSync(crashFile, '');
    const { client, lines } = makeClient('crash', { crashFile });
    const gaveUp = next<string>((listener) => client.onGaveUp(listener));
    await assert.rejects(client.ensureStarted());
    const reason = await gaveUp;
    assert.match(reason, /exited with code 3 3 times/);
    assert.equal(client.state, 'failed');
    await assert.rejects(client.request(StatusRequest, {}), /Restart Daemon/);
    assert.ok(lines.some((line) => line.level === 'error' && line.text === 'not JSON: about to crash'));

    rmSync(crashFile);
    await client.restart();
    assert.equal(client.state, 'running');
    assert.equal((await client.request(StatusRequest, {})).pid, client.pid);
  });

  it('stops a daemon with daemon/shutdown and does not restart it', async () => {
    const { client } = makeClient('ok');
    await client.ensureStarted();
    const pid = client.pid!;
    await client.stop();
    assert.equal(client.state, 'stopped');
    assert.equal(client.pid, undefined);
    assert.throws(() => process.kill(pid, 0));
  });

  it('kills a daemon that does not exit after daemon/shutdown once the grace period is over', async () => {
    const { client } = makeClient('hang-shutdown', { graceMs: 100 });
    await client.ensureStarted();
    const pid = client.pid!;
    await client.stop();
    assert.equal(client.state, 'stopped');
    assert.throws(() => process.kill(pid, 0));
  });

  it('leaves running a daemon that goes on serving other clients after daemon/shutdown', async () => {
    const { client, lines } = makeClient('shared', { graceMs: 100 });
    await client.ensureStarted();
    const pid = client.pid!;
    await client.stop();
    assert.equal(client.state, 'stopped');
    assert.doesNotThrow(() => process.kill(pid, 0), 'not killed: its other clients keep their jobs');
    assert.ok(lines.some((line) => /goes on serving 1 other client/.test(line.text)));
    process.kill(pid, 'SIGKILL');
    // Gone once reaped; the test leaves no process behind.
    while (alive(pid)) await new Promise((resolve) => setTimeout(resolve, 10));
  });

  it('refuses to start when the daemon bundle is missing, naming the path', async () => {
    const { client } = makeClient('ok', { daemonPath: join(folder, 'missing.js') });
    await assert.rejects(client.ensureStarted(), /missing\.js/);
    assert.equal(client.state, 'stopped');
  });
});
