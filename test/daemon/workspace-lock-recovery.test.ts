/**
 * The workspace lock as a second daemon meets it: a lock left by a dead process is taken over, a
 * lock held by a live process that does not answer makes the daemon refuse and name that process,
 * and a holder that exits while the daemon waits for it leaves the workspace to the daemon.
 */
import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LockInfo, socketPathFor } from '../../daemon/workspace-lock';
import * as P from '../../shared/protocol';
import type { DaemonProcess } from '../support/daemon-process';
import { daemonWorkspace } from '../support/daemon-workspace';

/** The pid of a process that has already exited. */
function deadPid(): number {
  const finished = spawnSync(process.execPath, ['-e', '']);
  assert.equal(finished.status, 0);
  return finished.pid;
}

function readLock(workspace: string): LockInfo {
  return JSON.parse(readFileSync(join(workspace, '.appgen', 'daemon.lock'), 'utf8')) as LockInfo;
}

function writeLock(workspace: string, info: LockInfo): void {
  mkdirSync(join(workspace, '.appgen'), { recursive: true });
  writeFileSync(join(workspace, '.appgen', 'daemon.lock'), JSON.stringify(info));
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
  const holders: ChildProcess[] = [];

  /** A live process that never serves the workspace, as a lock holder. */
  const liveHolder = async (): Promise<number> => {
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    holders.push(holder);
    await once(holder, 'spawn');
    return holder.pid!;
  };

  afterEach(async () => {
    for (const holder of holders.splice(0)) {
      if (holder.exitCode === null && holder.signalCode === null) {
        holder.kill('SIGKILL');
        await once(holder, 'exit');
      }
    }
  });

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

  it('refuses, naming the pid, when a live process holds the lock and does not answer', async () => {
    const pid = await liveHolder();
    const held: LockInfo = {
      pid,
      socket: join(tmpdir(), `appgen-silent-${pid}.sock`),
      startedAt: new Date(Date.now() - 60_000).toISOString(),
    };
    writeLock(ws.workspace, held);
    const daemon = ws.spawn();
    const code = await daemon.exited;
    assert.notEqual(code, 0);
    assert.match(daemon.stderr(), new RegExp(`in use by another AppGen process \\(pid ${pid}\\)`));
    assert.equal(daemon.stdout().length, 0, 'nothing on stdout');
    assert.deepEqual(readLock(ws.workspace), held, 'the lock is left to its holder');
  });

  it('takes the workspace over when the holder exits while the daemon waits for it', async () => {
    const pid = await liveHolder();
    writeLock(ws.workspace, {
      pid,
      socket: join(tmpdir(), `appgen-starting-${pid}.sock`),
      startedAt: new Date().toISOString(),
    });
    const daemon = ws.spawn();
    await logged(daemon, 'workspace served by another daemon');
    const holder = holders[0]!;
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
