import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cliEnv, cliWorkspace, historyOf, runCli } from '../support/cli-process';
import { suiteSimulator } from '../support/suite-simulator';

const FIXTURES = resolve(__dirname, '../fixtures/apps');
const APP = 'generated/apps/sim_alpha/app1';

/** Replaces the code of the app at `appPath` in `cwd` with a fixture app's. */
function useFixture(cwd: string, appPath: string, fixture: string): void {
  for (const part of ['backend', 'frontend'])
    rmSync(join(cwd, appPath, part), { recursive: true, force: true });
  cpSync(join(FIXTURES, fixture), join(cwd, appPath), { recursive: true });
}

describe('appgen check (command line process)', function () {
  this.timeout(60_000);
  const simulator = suiteSimulator();

  it('checks one app, prints its verdict, and exits 0 only when it passed', async () => {
    const cwd = cliWorkspace();
    const env = cliEnv(simulator());
    assert.equal(
      (await runCli(['generate', '-t', 'crud_todo_list', '-m', 'sim/alpha'], { cwd, env })).code,
      0,
    );
    const passed = await runCli(['check', '--app', APP], { cwd, env });
    assert.equal(passed.code, 0, passed.stderr);
    assert.match(passed.stdout, /^Checking 1 app\(s\)$/m);
    assert.match(passed.stdout, /^\[1\/1\] sim\/alpha crud_todo_list app1: passed 6\/6$/m);
    assert.match(
      passed.stdout,
      /^1 of 1 passed\. Details: \.appgen\/checks\/ \(e\.g\. \.appgen\/checks\/sim_alpha\/app1\/\S+\.json\)$/m,
    );

    useFixture(cwd, APP, 'static-python-syntax');
    const failed = await runCli(['check', '--app', join(cwd, APP), '--levels', 'static'], { cwd, env });
    assert.equal(failed.code, 1);
    assert.match(
      failed.stdout,
      /^\[1\/1\] sim\/alpha crud_todo_list app1: failed 0\/6, 1 problem \(backend\/app\.py:31: SyntaxError: expected ':'\)$/m,
    );

    const history = await runCli(['history'], { cwd, env });
    assert.match(
      history.stdout,
      /^when\s+model\s+template\s+app\s+status\s+check\s+warnings\s+calls\s+tokens/m,
    );
    assert.match(
      history.stdout,
      /sim\/alpha\s+crud_todo_list\s+app1\s+succeeded\s+failed 0\/6, 1 problem\s+\d+/,
    );
    const [job] = await historyOf(cwd, env);
    assert.equal(job?.check?.verdict, 'failed');
  });

  it('checks the apps of a batch, one line each, and exits 1 when one did not pass', async () => {
    const cwd = cliWorkspace(
      '{ "models": ["sim/alpha"], "templates": ["crud_todo_list", "quiz_app"], "checks": [] }',
    );
    const env = cliEnv(simulator());
    const run = await runCli(['run'], { cwd, env });
    assert.equal(run.code, 0, run.stderr);
    const batchId = /^Batch (\S+):/m.exec(run.stdout)![1]!;
    const all = await runCli(['check', '--batch', batchId], { cwd, env });
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^Checking 2 app\(s\)$/m);
    assert.equal(
      all.stdout.match(/^\[[12]\/2\] sim\/alpha (crud_todo_list|quiz_app) app[12]: passed/gm)?.length,
      2,
    );

    const quizApp = (await historyOf(cwd, env)).find((job) => job.templateSlug === 'quiz_app')!.appPath;
    useFixture(cwd, quizApp, 'static-jsx-syntax');
    const one = await runCli(['check', '--batch', batchId, '--levels', 'static'], { cwd, env });
    assert.equal(one.code, 1);
    assert.match(
      one.stdout,
      /quiz_app app\d: failed \d\/4, 1 problem \(frontend\/src\/components\/TodoItem\.jsx:7: Expected corresponding JSX closing tag for <label>\)$/m,
    );
    assert.match(one.stdout, /^1 of 2 passed\./m);
  });

  it('exits 2 on invalid input: an unknown level or batch, both --batch and --app, an app with no job', async () => {
    const cwd = cliWorkspace();
    const env = cliEnv(undefined);
    const level = await runCli(['check', '--levels', 'static,deep'], { cwd, env });
    assert.equal(level.code, 2);
    assert.match(level.stderr, /--levels: unknown check level "deep"; the levels are static, smoke/);
    const both = await runCli(['check', '--batch', 'b', '--app', 'x'], { cwd, env });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /check takes --batch or --app, not both/);
    const batch = await runCli(['check', '--batch', 'nope'], { cwd, env });
    assert.equal(batch.code, 2);
    assert.match(batch.stderr, /Unknown batch "nope"/);
    const app = await runCli(['check', '--app', APP], { cwd, env });
    assert.equal(app.code, 2);
    assert.match(app.stderr, /No succeeded job wrote the app generated\/apps\/sim_alpha\/app1/);
  });
});
