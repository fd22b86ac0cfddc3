import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliEnv, cliWorkspace, historyOf, runCli, spawnCli } from '../support/cli-process';
import { TEST_API_KEY } from '../support/sim-env';
import { suiteSimulator } from '../support/suite-simulator';

describe('appgen run (command line process)', function () {
  this.timeout(60_000);
  const simulator = suiteSimulator();

  it('exits 0 when every job succeeds, printing the summary table and where the report is', async () => {
    const cwd = cliWorkspace(
      JSON.stringify({ models: ['sim/alpha', 'sim/beta'], templates: ['crud_todo_list', 'kanban_board'] }),
    );
    const result = await runCli(['run'], { cwd, env: cliEnv(simulator()) });
    assert.equal(result.code, 0, result.stderr);
    const batchId = /^Batch (\S+): 4 job\(s\)$/m.exec(result.stdout)?.[1];
    assert.ok(batchId, result.stdout);
    assert.match(result.stdout, /^model\s+template\s+app\s+status\s+time\s+tokens\s+cost\s+error$/m);
    for (const row of [
      /^sim\/alpha\s+crud_todo_list\s+app\d\s+succeeded\s+\d+\.\ds\s+\d+\s+\$\d\.\d{4}$/m,
      /^sim\/alpha\s+kanban_board\s+app\d\s+succeeded/m,
      /^sim\/beta\s+crud_todo_list\s+app\d\s+succeeded/m,
      /^sim\/beta\s+kanban_board\s+app\d\s+succeeded/m,
    ]) {
      assert.match(result.stdout, row);
    }
    assert.match(result.stdout, /^4 succeeded, 0 failed; cost \$\d\.\d{4}$/m);
    const report = `.appgen/reports/${batchId}.md`;
    assert.ok(result.stdout.includes(`Apps: generated/apps/   Report: ${report}`), result.stdout);
    assert.ok(existsSync(join(cwd, report)), 'the report named is on disk when the command ends');
    assert.ok(existsSync(join(cwd, 'generated/apps/sim_alpha/app1/backend/app.py')));
    assert.ok(
      !result.stdout.includes(TEST_API_KEY) && !result.stderr.includes(TEST_API_KEY),
      'the key is never printed',
    );
  });

  it('exits 1 when a model fails, and shows the failure in the table', async () => {
    const cwd = cliWorkspace(
      JSON.stringify({ models: ['sim/alpha', 'sim/fail-always'], templates: ['quiz_app'] }),
    );
    const result = await runCli(['run'], { cwd, env: cliEnv(simulator()) });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /^sim\/alpha\s+quiz_app\s+app1\s+succeeded/m);
    assert.match(result.stdout, /^sim\/fail-always\s+quiz_app\s+app1\s+failed\s+.*upstream: /m);
    assert.match(result.stdout, /^1 succeeded, 1 failed; cost/m);
    const jobs = await historyOf(cwd, cliEnv(simulator()));
    assert.deepEqual(jobs.map((j) => `${j.model} ${j.status}`).sort(), [
      'sim/alpha succeeded',
      'sim/fail-always failed',
    ]);
  });

  it('runs a batch file given by path, relative to the current folder', async () => {
    const cwd = cliWorkspace(
      JSON.stringify({ models: ['sim/alpha'], templates: ['quiz_app'] }),
      'small.jsonc',
    );
    const result = await runCli(['run', 'small.jsonc', '--workspace', '.'], {
      cwd,
      env: cliEnv(simulator()),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^1 succeeded, 0 failed/m);
  });

  it('exits 2 on an invalid batch file, listing every problem with line:column, and starts nothing', async () => {
    const cwd = cliWorkspace(
      ['{', '  "models": [],', '  "templates": ["crud_todo_list", "nope nope"],', '  "repeat": 0', '}'].join(
        '\n',
      ),
    );
    const result = await runCli(['run'], { cwd, env: cliEnv(simulator()) });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Invalid batch file appgen\.batch\.json \(3 problems\)/);
    assert.match(result.stderr, /^appgen\.batch\.json:2:13: models: must list at least 1 item$/m);
    assert.match(result.stderr, /^appgen\.batch\.json:3:35: templates\[1\]: is not a template slug/m);
    assert.match(result.stderr, /^appgen\.batch\.json:4:13: repeat: must be >= 1$/m);
    assert.equal(simulator().chatRequests.length, 0);
    assert.equal(existsSync(join(cwd, 'generated')), false);
    assert.deepEqual(await historyOf(cwd, cliEnv(simulator())), []);
  });

  it('exits 2 on a missing batch file with a clear message', async () => {
    const cwd = cliWorkspace();
    const result = await runCli(['run'], { cwd, env: cliEnv(simulator()) });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Cannot read batch file appgen\.batch\.json: no such file/);
  });

  it('exits 2 without OPENROUTER_API_KEY, saying how to set it, and starts nothing', async () => {
    const cwd = cliWorkspace(JSON.stringify({ models: ['sim/alpha'], templates: ['quiz_app'] }));
    const env = cliEnv(undefined);
    assert.equal(env.OPENROUTER_API_KEY, undefined);
    const result = await runCli(['run'], { cwd, env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^appgen: OPENROUTER_API_KEY is not set\. Export your OpenRouter key first/m);
    assert.equal(result.stdout, '');
    assert.equal(existsSync(join(cwd, '.appgen')), false, 'no daemon was started');
    const generate = await runCli(['generate', '--template', 'quiz_app', '--model', 'sim/alpha'], {
      cwd,
      env,
    });
    assert.equal(generate.code, 2);
    assert.match(generate.stderr, /OPENROUTER_API_KEY is not set/);
  });

  it('exits 1 and says why when the budget stopped the batch', async () => {
    const cwd = cliWorkspace(
      JSON.stringify({
        models: ['sim/alpha'],
        templates: ['quiz_app', 'kanban_board', 'crud_todo_list'],
        maxConcurrent: 1,
        budgetUsd: 0.000001,
      }),
    );
    const result = await runCli(['run'], { cwd, env: cliEnv(simulator()) });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /^1 succeeded, 0 failed, 2 cancelled; cost/m);
    assert.match(
      result.stdout,
      /^Note: Budget of \$0\.000001 reached \(\$\d\.\d{4} spent\); no new jobs started$/m,
    );
  });

  it('says the budget stopped the batch when it happens, while a job still runs', async () => {
    const cwd = cliWorkspace(
      JSON.stringify({
        models: ['sim/held', 'sim/alpha', 'sim/beta'],
        templates: ['quiz_app'],
        maxConcurrent: 2,
        budgetUsd: 0.000001,
      }),
    );
    // sim/held's call never answers: the batch cannot end, so the line can only come from the moment.
    simulator().setModelBehavior('sim/held', { faults: ['stall'] });
    const run = spawnCli(['run'], { cwd, env: cliEnv(simulator()), detached: true });
    await run.waitForStdout(/^Budget of \$0\.000001 reached \(\$\d\.\d{4} spent\); no new jobs started$/m);
    assert.equal(simulator().inFlight, 1, 'the held job is still running');
    assert.doesNotMatch(run.stdout(), /^model\s+template/m, 'no summary yet');
    process.kill(-run.child.pid!, 'SIGINT');
    assert.equal((await run.result).code, 130);
  });

  it('writes the batch report with the matrix when run from the command line', async () => {
    const cwd = cliWorkspace(
      JSON.stringify({ models: ['sim/alpha'], templates: ['quiz_app', 'kanban_board'] }),
    );
    const result = await runCli(['run'], { cwd, env: cliEnv(simulator()) });
    assert.equal(result.code, 0, result.stderr);
    const report = /Report: (\S+)/.exec(result.stdout)![1]!;
    const markdown = readFileSync(join(cwd, report), 'utf8');
    assert.match(markdown, /^\| model \| kanban_board \| quiz_app \|$/m);
    assert.match(markdown, /^\| `sim\/alpha` \| ✅ .* \| ✅ .* \|$/m);
  });
});
