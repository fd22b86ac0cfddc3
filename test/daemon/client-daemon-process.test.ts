/**
 * The daemon process both clients start (client/daemon-process.ts), against the real bundled
 * daemon and the simulator; a stand-in daemon plays the one that hangs or dies.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DaemonExitError } from '../../client/daemon-exit';
import { DaemonProcess, SHUTDOWN_GRACE_MS } from '../../client/daemon-process';
import type { Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import {
  DAEMON_JS,
  spawnDaemon,
  type DaemonProcess as TestDaemon,
  tempWorkspace,
} from '../support/daemon-process';
import { simulatorEnv, TEST_API_KEY, UNREACHABLE_BASE_URL } from '../support/sim-env';
import { suiteSimulator } from '../support/suite-simulator';

const FAKE_DAEMON = resolve(__dirname, '../vscode/node/fixtures/fake-daemon.cjs');

/** What a client is given to run with: no key or simulator unless the test adds them. */
function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: tmpdir(),
    OPENROUTER_BASE_URL: UNREACHABLE_BASE_URL,
    APPGEN_CHECKS_STATIC: 'false',
    ...extra,
  };
}

describe('client: the daemon process both clients start', function () {
  this.timeout(30_000);
  const simulator = suiteSimulator();
  const started: DaemonProcess[] = [];
  let other: TestDaemon | undefined;

  const start = (options: Partial<Parameters<typeof DaemonProcess.start>[0]> = {}): DaemonProcess => {
    const daemon = DaemonProcess.start({
      workspace: tempWorkspace(),
      daemonPath: DAEMON_JS,
      env: baseEnv(),
      ...options,
    });
    started.push(daemon);
    return daemon;
  };

  afterEach(async () => {
    await other?.kill();
    other = undefined;
    for (const daemon of started.splice(0)) {
      await daemon.shutdown(1000);
      daemon.dispose();
    }
  });

  it('puts the key in initialize only: never in the argv or the environment of the daemon', async function () {
    if (process.platform !== 'linux') this.skip();
    const workspace = tempWorkspace();
    const daemon = start({ workspace, env: baseEnv({ OPENROUTER_API_KEY: TEST_API_KEY }) });
    const init = await daemon.initialize({ clientName: 'test', apiKey: TEST_API_KEY });
    assert.equal(init.hasApiKey, true);
    assert.equal(init.workspace, workspace);
    const argv = readFileSync(`/proc/${daemon.pid}/cmdline`, 'utf8').split('\0');
    assert.deepEqual(argv.slice(-4, -1), ['--stdio', '--workspace', workspace]);
    const environ = readFileSync(`/proc/${daemon.pid}/environ`, 'utf8');
    assert.ok(!argv.join(' ').includes(TEST_API_KEY), 'not in argv');
    assert.ok(!environ.includes(TEST_API_KEY), 'not in the environment');
    assert.ok(!environ.split('\0').some((entry) => entry.startsWith('OPENROUTER_API_KEY=')));
  });

  it("passes each of the daemon's log lines on as it comes and keeps the last ones", async () => {
    const seen: string[] = [];
    let sawInitialized: () => void = () => {};
    const initializedLogged = new Promise<void>((resolveLogged) => {
      sawInitialized = resolveLogged;
    });
    const daemon = start({
      onLogLine: (line) => {
        seen.push(line);
        if (line.includes('"initialized"')) sawInitialized();
      },
    });
    await daemon.initialize({ clientName: 'log-test' });
    await initializedLogged;
    const line = seen.find((text) => text.includes('"initialized"'))!;
    assert.equal(JSON.parse(line).client, 'log-test');
    assert.ok(daemon.recentLog().includes(line));
  });

  it('delivers generation/changed to every listener', async () => {
    const daemon = start({ env: baseEnv(simulatorEnv(simulator())) });
    await daemon.initialize({ clientName: 'test', apiKey: TEST_API_KEY });
    const succeeded = new Promise<Job>((resolveJob) => {
      daemon.onJobChanged((job) => {
        if (job.status === 'succeeded') resolveJob(job);
      });
    });
    const job = await daemon.connection.sendRequest(P.GenerationStartRequest, {
      templateSlug: 'crud_todo_list',
      model: 'sim/alpha',
    });
    assert.equal((await succeeded).id, job.id);
  });

  it('rejects initialize with what the daemon said when it exits before answering', async () => {
    const daemon = start({ env: baseEnv({ GENERATION_MAX_CONCURRENT: 'abc' }) });
    const error = await daemon.initialize({ clientName: 'test' }).catch((e: unknown) => e);
    assert.ok(error instanceof DaemonExitError, String(error));
    assert.equal(error.exit.code, 2);
    assert.equal(error.exit.expected, false);
    assert.match(error.message, /GENERATION_MAX_CONCURRENT/);
    assert.ok(error.lines.some((line) => line.includes('GENERATION_MAX_CONCURRENT')));
  });

  it('stops the daemon with daemon/shutdown and waits for its exit', async () => {
    const daemon = start();
    await daemon.initialize({ clientName: 'test' });
    const outcome = await daemon.shutdown();
    assert.deepEqual(outcome, { kind: 'exited', exit: { code: 0, signal: null, expected: true } });
    assert.equal(daemon.running, false);
  });

  it('lets go of a daemon that other clients still use, which goes on serving them', async () => {
    const workspace = tempWorkspace();
    const daemon = start({ workspace });
    await daemon.initialize({ clientName: 'first' });
    other = spawnDaemon({ workspace });
    await other.initialize({ clientName: 'second' });
    const outcome = await daemon.shutdown();
    assert.deepEqual(outcome, { kind: 'serving-others', otherClients: 1 });
    const status = await other.connection.sendRequest(P.StatusRequest, {});
    assert.equal(status.pid, daemon.pid, 'the daemon this client started serves the other one');
    await other.stop();
    // Once the other client has left, nothing holds the daemon any more.
    assert.equal((await daemon.exited).code, 0);
  });

  it('explains a request cut off by the daemon dying with its exit and last words', async () => {
    const daemon = start({ daemonPath: FAKE_DAEMON, env: baseEnv({ FAKE_DAEMON_MODE: 'die-on-get' }) });
    await daemon.initialize({ clientName: 'test' });
    const error = await daemon.connection
      .sendRequest(P.GenerationGetRequest, { jobId: 'x' })
      .catch((e: unknown) => daemon.explain(e));
    assert.ok(error instanceof DaemonExitError, String(error));
    assert.deepEqual(error.exit, { code: 5, signal: null, expected: false });
    assert.match(error.message, /exited with code 5: initialized/);
  });

  it(`kills a daemon that has not exited ${SHUTDOWN_GRACE_MS} ms after daemon/shutdown, within the 5 s VS Code gives an extension to stop`, async () => {
    assert.ok(SHUTDOWN_GRACE_MS < 5000);
    const daemon = start({ daemonPath: FAKE_DAEMON, env: baseEnv({ FAKE_DAEMON_MODE: 'hang-shutdown' }) });
    await daemon.initialize({ clientName: 'test' });
    const asked = performance.now();
    const outcome = await daemon.shutdown();
    const took = performance.now() - asked;
    assert.equal(outcome.kind, 'killed');
    assert.equal(outcome.kind === 'killed' && outcome.exit.signal, 'SIGKILL');
    assert.ok(took >= SHUTDOWN_GRACE_MS - 50 && took < SHUTDOWN_GRACE_MS + 2000, `took ${took} ms`);
  });

  it('ends the start of a daemon that cannot be spawned with an exit, not a hang', async () => {
    const errors: Error[] = [];
    const daemon = start({
      execPath: join(tempWorkspace(), 'no-such-node'),
      onProcessError: (error) => errors.push(error),
    });
    const error = await daemon.initialize({ clientName: 'test' }).catch((e: unknown) => e);
    assert.ok(error instanceof DaemonExitError, String(error));
    assert.match(errors[0]?.message ?? '', /ENOENT/);
    assert.match(error.message, /^The AppGen daemon could not start: spawn .*no-such-node ENOENT$/);
    assert.equal(daemon.running, false);
  });
});
