import assert from 'node:assert/strict';
import { cliEnv, cliWorkspace, historyOf, runCli, spawnCli } from '../support/cli-process';
import { suiteSimulator } from '../support/suite-simulator';

describe('appgen run interrupted and resumed (command line process)', function () {
  this.timeout(60_000);
  const simulator = suiteSimulator();

  it('exits 130 on Ctrl-C once a job runs, says how to resume, and resume finishes the rest', async () => {
    const cwd = cliWorkspace(
      JSON.stringify({ models: ['sim/alpha', 'sim/beta'], templates: ['crud_todo_list', 'quiz_app'] }),
    );
    // Two slots for four jobs: some run and some wait when Ctrl-C comes.
    const env = cliEnv(simulator(), { GENERATION_MAX_CONCURRENT: '2' });
    simulator().pause();
    // Its own process group, signalled as a whole: what a terminal does on Ctrl-C.
    const run = spawnCli(['run'], { cwd, env, detached: true });
    await simulator().waitForRequests(1);
    process.kill(-run.child.pid!, 'SIGINT');
    const interrupted = await run.result;
    assert.equal(interrupted.code, 130, interrupted.stderr);
    assert.match(
      interrupted.stderr,
      /Interrupted\. 4 unfinished job\(s\) are kept and resume with the next command that runs jobs on this workspace: run `appgen resume`/,
    );

    // Commands that only read start none of them: no call is made, nor paid for, on their account.
    simulator().reset();
    const kept = await historyOf(cwd, env);
    assert.equal(kept.length, 4);
    assert.ok(
      kept.every((job) => job.status === 'queued' || job.status === 'running'),
      kept.map((j) => j.status).join(),
    );
    for (const args of [['templates'], ['export', '--format', 'json'], ['check', '--levels', 'static']]) {
      const read = await runCli(args, { cwd, env });
      assert.notEqual(read.code, 130, read.stderr);
    }
    const stillKept = await historyOf(cwd, env);
    assert.equal(simulator().chatRequests.length, 0, 'no model call');
    assert.deepEqual(
      stillKept.map((job) => [job.id, job.status, job.attempts]).sort(),
      kept.map((job) => [job.id, job.status, job.attempts]).sort(),
      'the jobs are as the run left them',
    );

    // Held until resume has listed what it waits for, so no job can finish unseen.
    simulator().reset();
    simulator().pause();
    const resume = spawnCli(['resume'], { cwd, env });
    await resume.waitForStdout(/^Resuming 4 job\(s\)$/m);
    simulator().resume();
    const resumed = await resume.result;
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /^sim\/alpha\s+crud_todo_list\s+app\d\s+succeeded/m);
    const finished = await historyOf(cwd, env);
    assert.deepEqual(
      finished.map((job) => job.status),
      ['succeeded', 'succeeded', 'succeeded', 'succeeded'],
    );
    assert.deepEqual(
      finished.map((job) => job.id).sort(),
      kept.map((job) => job.id).sort(),
      'the same jobs finished; none was added or run twice',
    );

    const nothing = await runCli(['resume'], { cwd, env });
    assert.equal(nothing.code, 0);
    assert.equal(nothing.stdout, 'Nothing to resume.\n');
  });
});
