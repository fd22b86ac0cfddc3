import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cliEnv, cliWorkspace, runCli } from '../support/cli-process';

const COMMANDS = ['run', 'resume', 'generate', 'history', 'templates', 'demo', 'daemon'];

describe('appgen usage (command line process)', function () {
  this.timeout(30_000);
  const env = cliEnv(undefined);

  it('prints the overview with --help and exits 0', async () => {
    const result = await runCli(['--help'], { cwd: cliWorkspace(), env });
    assert.equal(result.code, 0);
    for (const command of COMMANDS) assert.match(result.stdout, new RegExp(`^  appgen ${command}\\b`, 'm'));
    assert.match(
      result.stdout,
      /Exit codes: 0 every job succeeded, 1 a job failed, 2 invalid input, 130 interrupted/,
    );
  });

  it('prints the overview and exits 2 when no command is given', async () => {
    const result = await runCli([], { cwd: cliWorkspace(), env });
    assert.equal(result.code, 2);
    assert.match(result.stdout, /^Usage:$/m);
  });

  for (const command of COMMANDS) {
    it(`prints the usage of "${command}" with --help and starts nothing`, async () => {
      const cwd = cliWorkspace();
      const result = await runCli([command, '--help'], { cwd, env });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`^appgen ${command}\\b`));
      assert.equal(result.stderr, '');
      assert.equal(existsSync(join(cwd, '.appgen')), false);
      assert.equal(existsSync(join(cwd, 'demo-workspace')), false);
    });
  }

  it('exits 2 on an unknown command, naming it', async () => {
    const result = await runCli(['frobnicate'], { cwd: cliWorkspace(), env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^appgen: unknown command "frobnicate"/);
  });

  it('exits 2 on an unknown option', async () => {
    const result = await runCli(['templates', '--bogus'], { cwd: cliWorkspace(), env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--bogus/);
  });

  it('exits 2 when run is given two batch files', async () => {
    const result = await runCli(['run', 'a.json', 'b.json'], { cwd: cliWorkspace(), env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /run takes one batch file/);
  });
});
