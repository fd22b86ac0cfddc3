/**
 * The command line when OpenRouter answers 402: the daemon pauses its queue, so `appgen run` and
 * `appgen generate` must stop and say how to continue instead of waiting for jobs that never
 * start, and `appgen resume` must resume the queue, also that of a daemon VS Code started.
 */
import assert from 'node:assert/strict';
import * as P from '../../shared/protocol';
import { cliEnv, cliWorkspace, historyOf, runCli, spawnCli } from '../support/cli-process';
import { type DaemonProcess, spawnDaemon } from '../support/daemon-process';
import { TEST_API_KEY } from '../support/sim-env';
import { suiteSimulator } from '../support/suite-simulator';

const PAUSE_LINE = /^OpenRouter reports insufficient credits \(HTTP 402\).*AppGen: Resume Paused Queue/m;
const TABLE_HEADER = /^model\s+template\s+app\s+status/m;

/** Three jobs of one model; run one at a time, the 402 of the first leaves two waiting. */
const batch = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    models: ['sim/alpha'],
    templates: ['quiz_app', 'kanban_board', 'crud_todo_list'],
    ...extra,
  });

/** A job left over counts as unfinished whether a daemon has started it again yet or not. */
const settled = (status: string) => (status === 'queued' || status === 'running' ? 'unfinished' : status);

describe('appgen and a 402 (command line process)', function () {
  this.timeout(60_000);
  let owner: DaemonProcess | undefined;
  // The key is required, so a call without the command line's key would get 401, not 402.
  const simulator = suiteSimulator({
    apiKey: TEST_API_KEY,
    afterEachTest: async () => {
      await owner?.kill();
      owner = undefined;
    },
  });

  it('run exits 1 once the queue pauses, saying why as it happens and how to continue; resume finishes', async () => {
    const cwd = cliWorkspace(batch({ maxConcurrent: 1 }));
    const env = cliEnv(simulator());
    simulator().setModelBehavior('sim/alpha', { faults: ['http402'] });
    const run = await runCli(['run'], { cwd, env });
    assert.equal(run.code, 1, run.stderr);
    const pauseAt = run.stdout.search(PAUSE_LINE);
    assert.ok(pauseAt >= 0, run.stdout);
    assert.ok(pauseAt < run.stdout.search(TABLE_HEADER), 'the pause is told before the summary');
    assert.match(run.stdout, /^sim\/alpha\s+quiz_app\s+app1\s+failed\s+.*insufficient_credits/m);
    assert.match(run.stdout, /^0 succeeded, 1 failed; cost/m);
    assert.match(
      run.stderr,
      /The queue is paused\. 2 unfinished job\(s\) are kept: add credits \(.*\), then run `appgen resume` to finish them\./,
    );
    assert.equal(simulator().chatRequests.length, 1, 'nothing was called after the 402');
    // Every daemon that starts on the workspace takes the jobs up again (this one for `history`
    // too); held from here on, none can finish before resume has listed what it waits for.
    simulator().pause();
    const kept = await historyOf(cwd, env);
    assert.deepEqual(kept.map((j) => settled(j.status)).sort(), ['failed', 'unfinished', 'unfinished']);

    const resume = spawnCli(['resume'], { cwd, env });
    await resume.waitForStdout(/^Resuming 2 job\(s\)$/m);
    simulator().resume();
    const resumed = await resume.result;
    assert.equal(resumed.code, 0, resumed.stderr);
    const finished = await historyOf(cwd, env);
    assert.deepEqual(finished.map((j) => j.status).sort(), ['failed', 'succeeded', 'succeeded']);
  });

  it("works through VS Code's daemon: keeps its settings, brings the key, and resume resumes its paused queue", async () => {
    // One at a time because the editor says so, not the batch file.
    const cwd = cliWorkspace(batch());
    const env = cliEnv(simulator());
    // The editor's daemon: settings in `config`, no key in its environment.
    owner = spawnDaemon({
      workspace: cwd,
      env: { OPENROUTER_BASE_URL: simulator().url, OPENROUTER_BACKOFF_BASE_MS: '1' },
    });
    await owner.initialize({ clientName: 'vscode', config: { maxConcurrent: 1, outputDir: 'editor/apps' } });
    const status = () => owner!.connection.sendRequest(P.StatusRequest, {});
    simulator().setModelBehavior('sim/alpha', { faults: ['http402'] });

    const run = await runCli(['run'], { cwd, env });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, PAUSE_LINE);
    assert.match(run.stderr, /The queue is paused\. 2 unfinished job\(s\) are kept/);
    const paused = await status();
    assert.match(paused.paused ?? '', /insufficient credits/, 'the owner is still paused');
    assert.equal(paused.queue.maxConcurrent, 1, "the editor's setting, not the default");
    assert.equal(paused.hasApiKey, true, "the command line's key reached the owner");
    const jobs = await owner.connection.sendRequest(P.GenerationListRequest, {});
    assert.ok(
      jobs.every((j) => j.appPath.startsWith('editor/apps/')),
      jobs.map((j) => j.appPath).join(),
    );

    // Already paused when it connects: it learns so from daemon/status, not a notification.
    const generate = await runCli(['generate', '-t', 'quiz_app', '-m', 'sim/beta'], { cwd, env });
    assert.equal(generate.code, 1, generate.stderr);
    assert.match(generate.stdout, /^sim\/beta\s+quiz_app\s+app1\s+queued/m);
    assert.match(generate.stderr, /The queue is paused\. 1 unfinished job\(s\) are kept/);

    simulator().pause();
    const resume = spawnCli(['resume'], { cwd, env });
    await resume.waitForStdout(/^Resuming 3 job\(s\)$/m);
    assert.match(resume.stdout(), /^Resumed the paused queue\.$/m);
    simulator().resume();
    const resumed = await resume.result;
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal((await status()).paused, undefined);
    const finished = await owner.connection.sendRequest(P.GenerationListRequest, {});
    assert.deepEqual(finished.map((j) => j.status).sort(), ['failed', 'succeeded', 'succeeded', 'succeeded']);
    assert.equal(owner.child.exitCode, null, 'the editor keeps its daemon');
  });
});
