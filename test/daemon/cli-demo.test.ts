import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliEnv, cliWorkspace, runCli } from '../support/cli-process';

describe('appgen demo (command line process)', function () {
  this.timeout(90_000);

  it('runs the demo batch against its own simulator, exits 0 and says what happened and where', async () => {
    const cwd = cliWorkspace();
    // No key and no base URL: the demo brings its own simulator.
    const result = await runCli(['demo'], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    });
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /^AppGen demo: OpenRouter simulator at http:\/\/127\.0\.0\.1:\d+\/api\/v1$/m);
    assert.match(result.stdout, /^Batch \S+: 12 job\(s\)$/m);
    assert.match(result.stdout, /^model\s+template\s+app\s+status\s+time\s+tokens\s+cost\s+error$/m);
    for (const model of ['sim/alpha', 'sim/beta', 'sim/flaky']) {
      assert.equal(
        result.stdout.match(new RegExp(`^${model}\\s+\\w+\\s+app\\d\\s+succeeded`, 'gm'))?.length,
        3,
        `${model} built its three apps`,
      );
    }
    assert.equal(result.stdout.match(/^sim\/fail-always\s+\w+\s+app\d\s+failed\s+.*upstream/gm)?.length, 3);
    assert.match(result.stdout, /^9 succeeded, 3 failed; cost \$\d\.\d{4}$/m);
    assert.match(result.stdout, /The 3 failures of sim\/fail-always are expected/);
    assert.match(result.stdout, /^Generated apps: demo-workspace\/generated\/apps\/<model>\/app<N>\/$/m);
    const report = /Report: (\.appgen\/reports\/\S+\.md)/.exec(result.stdout)?.[1];
    assert.ok(report, result.stdout);

    const workspace = join(cwd, 'demo-workspace');
    assert.deepEqual(readdirSync(join(workspace, 'generated/apps')).sort(), [
      'sim_alpha',
      'sim_beta',
      'sim_flaky',
    ]);
    assert.match(
      readFileSync(join(workspace, report), 'utf8'),
      /^- Jobs: 12 \(9 succeeded, 3 failed, 0 cancelled\)$/m,
    );

    const again = await runCli(['demo'], { cwd, env: cliEnv(undefined) });
    assert.equal(again.code, 0, 'an earlier demo workspace is started afresh');
    assert.match(again.stdout, /^9 succeeded, 3 failed/m);
  });

  it('refuses to wipe a folder that is not a demo workspace', async () => {
    const cwd = cliWorkspace();
    const precious = join(cwd, 'my-project');
    mkdirSync(precious);
    writeFileSync(join(precious, 'notes.txt'), 'keep me');
    const result = await runCli(['demo', '--workspace', 'my-project'], { cwd, env: cliEnv(undefined) });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /is not empty and is not a demo workspace/);
    assert.ok(existsSync(join(precious, 'notes.txt')));
  });
});
