/**
 * The workspace lock as a second daemon meets it: a lock left by a dead process is taken over, and so
 * is one naming a live process that is not an AppGen daemon (nothing answers on its socket); a lock
 * whose socket answers, but not as a daemon, makes the daemon refuse and name that process; an owner
 * that is stopping is waited for; a holder that exits while the daemon waits for it leaves the
 * workspace to the daemon.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LockInfo, socketPathFor } from '../../daemon/workspace-lock';
import * as P from '../../shared/protocol';
import type { DaemonProcess } from '../support/daemon-process';
import { daemonWorkspace } from '../support/daemon-workspace';
import { lockHoldersPerTest, readLock, writeLock } from '../support/lock-holders';

/** The pid of a process that has already exited. */
function deadPid(): number {
  const finished = spawnSync(process.execPath, ['-e', '']);
  assert.equal(finished.status, 0);
  return finished.pid;
}

/** Resolves once the daemon has logged a line containing `text`. */
async function logged(daemon: DaemonProcess, text: string): Promise<void> {
  let exited = false;
  void daemon.exited.then(() => {
    exited = true;
  });
  while (!daemon.stderr().includes(text)) {
    await Promise.race([once(daemon.child.stderr!, 'data'), daemon.exited]);
    if (exited && !daemon.stderr().includes(text)) assert.fail(`daemon exited before logging "${text}"`);
  }
}

describe('workspace: a daemon meeting an existing lock', () => {
  const ws = daemonWorkspace('appgen-lock-', { simulator: false });
  const holders = lockHoldersPerTest();

  it('takes over a lock that names a dead process', async () => {
    const pid = deadPid();
    writeLock(ws.workspace, {
      pid,
      socket: join(tmpdir(), `appgen-gone-${pid}.sock`),
      startedAt: '2025-02-09T10:00:00.000Z',
    });
    const daemon = ws.spawn();
    await daemon.initialize();
    const status = await daemon.connection.sendRequest(P.StatusRequest, {});
    assert.equal(status.pid, daemon.child.pid, 'the daemon serves the workspace itself');
    const lock = readLock(ws.workspace);
    assert.equal(lock.pid, daemon.child.pid);
    assert.equal(lock.socket, socketPathFor(ws.workspace));
  });

  it('gives two daemons started at once over a stale lock one owner', async () => {
    const pid = deadPid();
    writeLock(ws.workspace, {
      pid,
      socket: join(tmpdir(), `appgen-gone-${pid}.sock`),
      startedAt: '2025-02-09T10:00:00.000Z',
    });
    const pair = [ws.spawn(), ws.spawn()];
    const pids = await Promise.all(
      pair.map(async (daemon) => {
        await daemon.initialize();
        return (await daemon.connection.sendRequest(P.StatusRequest, {})).pid;
      }),
    );
    assert.equal(pids[0], pids[1], 'both clients are served by one daemon');
    assert.equal(readLock(ws.workspace).pid, pids[0]);
  });

  it('takes over a lock naming a live process that is not an AppGen daemon, and logs what it replaced', async () => {
    // The pid of a daemon gone long ago, reused by an unrelated process: alive, but nothing
    // answers on the socket the lock names.
    const pid = await holders.live();
    const stale: LockInfo = {
      pid,
      socket: join(tmpdir(), `appgen-reused-${pid}.sock`),
      startedAt: new Date(Date.now() - 60_000).toISOString(),
    };
    writeLock(ws.workspace, stale);
    const daemon = ws.spawn();
    await daemon.initialize();
    const status = await daemon.connection.sendRequest(P.StatusRequest, {});
    assert.equal(status.pid, daemon.child.pid, 'the daemon serves the workspace itself');
    assert.equal(readLock(ws.workspace).pid, daemon.child.pid);
    const replaced = daemon
      .stderr()
      .split('\n')
      .find((line) => line.includes('replaced the workspace lock'));
    assert.ok(replaced, `a log line names the lock it replaced:\n${daemon.stderr()}`);
    const entry = JSON.parse(replaced) as { level: string; message: string; pid: number; socket: string };
    assert.equal(entry.level, 'warn');
    assert.equal(entry.pid, pid);
    assert.equal(entry.socket, stale.socket);
    assert.match(entry.message, new RegExp(`pid ${pid}: that process is alive but is not an AppGen daemon`));
    assert.equal(holders.get(pid).exitCode, null, 'the unrelated process is left alone');
  });

  it("refuses, naming the pid and the lock file, when the lock's socket answers but not as a daemon", async () => {
    const socket = join(tmpdir(), `appgen-foreign-${process.pid}.sock`);
    const pid = await holders.serving(socket, 'hello from something else\n');
    const held: LockInfo = { pid, socket, startedAt: new Date(Date.now() - 60_000).toISOString() };
    writeLock(ws.workspace, held);
    const daemon = ws.spawn();
    assert.equal(await daemon.exited, 2);
    assert.match(
      daemon.stderr(),
      new RegExp(
        `locked by pid ${pid}, and .* answers, but not as an AppGen daemon \\(it said "hello from something else"\\)`,
      ),
    );
    assert.match(daemon.stderr(), /daemon\.lock/);
    assert.equal(daemon.stdout().length, 0, 'nothing on stdout');
    assert.deepEqual(readLock(ws.workspace), held, 'the lock is left to its holder');
  });

  it('waits for an owner that says it is stopping, and takes the workspace once the lock is released', async () => {
    const socket = join(tmpdir(), `appgen-stopping-${process.pid}.sock`);
    const pid = await holders.serving(socket, 'appgen-owner 1 PID stopping\n');
    writeLock(ws.workspace, { pid, socket, startedAt: new Date(Date.now() - 60_000).toISOString() });
    const daemon = ws.spawn();
    // Told "stopping" at least once, it looks at the lock again instead of relaying or refusing.
    await holders.answered(pid);
    assert.equal(daemon.child.exitCode, null, 'still waiting');
    rmSync(join(ws.workspace, '.appgen', 'daemon.lock'));
    await daemon.initialize();
    assert.equal((await daemon.connection.sendRequest(P.StatusRequest, {})).pid, daemon.child.pid);
  });

  it('takes the workspace over when the holder exits while the daemon waits for it', async () => {
    const pid = await holders.live();
    writeLock(ws.workspace, {
      pid,
      socket: join(tmpdir(), `appgen-starting-${pid}.sock`),
      startedAt: new Date().toISOString(),
    });
    const daemon = ws.spawn();
    await logged(daemon, 'workspace locked by another process');
    const holder = holders.get(pid);
    holder.kill('SIGKILL');
    await once(holder, 'exit');

    await daemon.initialize();
    const status = await daemon.connection.sendRequest(P.StatusRequest, {});
    assert.equal(status.pid, daemon.child.pid);
    assert.equal(readLock(ws.workspace).pid, daemon.child.pid);
  });

  it('releases the lock on a clean exit, so the next daemon owns the workspace at once', async () => {
    const first = ws.spawn();
    await first.initialize();
    await first.connection.sendRequest(P.ShutdownRequest, {});
    assert.equal(await first.exited, 0);
    assert.throws(() => readLock(ws.workspace), /ENOENT/);

    const second = ws.spawn();
    await second.initialize();
    assert.equal((await second.connection.sendRequest(P.StatusRequest, {})).pid, second.child.pid);
  });
});
