/**
 * The command line when its daemon cannot serve it: the daemon's own message is printed (never a
 * crash of the command line itself), and the exit code is 2 when the daemon refused its input.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnv, cliWorkspace, runCli } from '../support/cli-process';
import { lockHoldersPerTest, writeLock } from '../support/lock-holders';
import { sqlJs } from '../support/sql-js';

function assertNoCrash(stderr: string): void {
  assert.doesNotMatch(
    stderr,
    /TypeError|is not a function|\n\s+at /,
    `no crash of the command line:\n${stderr}`,
  );
  assert.match(stderr, /^appgen: /m);
}

describe('appgen when the daemon cannot serve it (command line process)', function () {
  this.timeout(30_000);
  const holders = lockHoldersPerTest();

  it("prints the daemon's message about a bad environment value and exits 2", async () => {
    const result = await runCli(['history'], {
      cwd: cliWorkspace(),
      env: cliEnv(undefined, { GENERATION_MAX_CONCURRENT: 'abc' }),
    });
    assertNoCrash(result.stderr);
    assert.match(result.stderr, /^appgen: GENERATION_MAX_CONCURRENT must be an integer.*"abc"/m);
    assert.equal(result.code, 2);
  });

  it('prints why a locked workspace cannot be used, naming the process, and exits 2', async () => {
    const cwd = cliWorkspace();
    const socket = join(tmpdir(), `appgen-cli-locked-${process.pid}.sock`);
    const pid = await holders.serving(socket, 'not a daemon\n');
    writeLock(cwd, { pid, socket, startedAt: new Date(Date.now() - 60_000).toISOString() });
    const result = await runCli(['history'], { cwd, env: cliEnv(undefined) });
    assertNoCrash(result.stderr);
    assert.match(result.stderr, new RegExp(`locked by pid ${pid}`));
    assert.equal(result.code, 2);
  });

  it('prints what the daemon said about a history written by a newer AppGen, with its exit code', async () => {
    const cwd = cliWorkspace();
    const SQL = await sqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE jobs (id TEXT PRIMARY KEY)');
    db.run('PRAGMA user_version = 999');
    mkdirSync(join(cwd, '.appgen'), { recursive: true });
    writeFileSync(join(cwd, '.appgen', 'history.sqlite'), db.export());
    db.close();
    const result = await runCli(['history'], { cwd, env: cliEnv(undefined) });
    assertNoCrash(result.stderr);
    assert.match(result.stderr, /schema( version)? 999|newer AppGen|newer than this AppGen/);
    // 2 when the daemon itself refuses the file with exit code 2, else 1.
    const daemonRefused = /appgen daemon:|update AppGen/.test(result.stderr) && result.code === 2;
    assert.equal(result.code, daemonRefused ? 2 : 1, result.stderr);
  });
});
