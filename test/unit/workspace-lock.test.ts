import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownerPatienceMs } from '../../daemon/relay';
import {
  acquireWorkspaceLock,
  type LockInfo,
  type LockOutcome,
  processAlive,
  socketPathFor,
} from '../../daemon/workspace-lock';
import { LOCK_FILE_NAME } from '../../shared/workspace-layout';

const alive = () => true;
const dead = () => false;

function info(pid: number): LockInfo {
  return { pid, socket: `/run/appgen-test-${pid}.sock`, startedAt: '2025-02-09T10:00:00.000Z' };
}

function owner(outcome: LockOutcome): Extract<LockOutcome, { kind: 'owner' }> {
  assert.equal(outcome.kind, 'owner', `expected to own the lock, got ${JSON.stringify(outcome)}`);
  return outcome as Extract<LockOutcome, { kind: 'owner' }>;
}

describe('acquireWorkspaceLock', () => {
  let dir: string;
  const lockFile = () => join(dir, LOCK_FILE_NAME);
  const onDisk = () => JSON.parse(readFileSync(lockFile(), 'utf8')) as LockInfo;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'appgen-lock-unit-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes the first caller the owner and records its pid, socket and start time', async () => {
    owner(await acquireWorkspaceLock(dir, info(101), alive));
    assert.deepEqual(onDisk(), info(101));
  });

  it('reports the holder to a second caller while the holder lives, and leaves its lock alone', async () => {
    owner(await acquireWorkspaceLock(dir, info(101), alive));
    const second = await acquireWorkspaceLock(dir, info(202), alive);
    assert.equal(second.kind, 'taken');
    assert.deepEqual(second.kind === 'taken' && second.holder, info(101));
    assert.deepEqual(onDisk(), info(101));
  });

  it('lets a caller take over a live holder it found not to be a daemon, and then own the lock', async () => {
    writeFileSync(lockFile(), JSON.stringify(info(101)));
    const found = await acquireWorkspaceLock(dir, info(202), alive);
    assert.ok(found.kind === 'taken');
    await found.takeOver();
    assert.ok(!existsSync(lockFile()));
    owner(await acquireWorkspaceLock(dir, info(202), alive));
    assert.deepEqual(onDisk(), info(202));
  });

  it('takes over only the lock it judged: a lock written since is left alone', async () => {
    writeFileSync(lockFile(), JSON.stringify(info(101)));
    const found = await acquireWorkspaceLock(dir, info(202), alive);
    assert.ok(found.kind === 'taken');
    writeFileSync(lockFile(), JSON.stringify(info(303)));
    await found.takeOver();
    assert.deepEqual(onDisk(), info(303));
  });

  it('takes over a lock whose holder is dead', async () => {
    writeFileSync(lockFile(), JSON.stringify(info(101)));
    const checked: number[] = [];
    owner(
      await acquireWorkspaceLock(dir, info(202), (pid) => {
        checked.push(pid);
        return false;
      }),
    );
    assert.deepEqual(onDisk(), info(202));
    assert.ok(checked.includes(101), 'the holder was checked');
  });

  it('takes over a lock that names its own pid, left by an earlier process with that pid', async () => {
    writeFileSync(lockFile(), JSON.stringify({ ...info(303), startedAt: '2020-01-01T00:00:00.000Z' }));
    owner(await acquireWorkspaceLock(dir, info(303), alive));
    assert.deepEqual(onDisk(), info(303));
  });

  it('takes over an unreadable lock once it is older than a writer needs to fill it', async () => {
    writeFileSync(lockFile(), 'not json');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockFile(), old, old);
    owner(await acquireWorkspaceLock(dir, info(202), alive));
    assert.deepEqual(onDisk(), info(202));
  });

  it('gives exactly one of two concurrent callers the lock', async () => {
    const outcomes = await Promise.all([
      acquireWorkspaceLock(dir, info(101), alive),
      acquireWorkspaceLock(dir, info(202), alive),
    ]);
    const owners = outcomes.filter((outcome) => outcome.kind === 'owner');
    assert.equal(owners.length, 1);
    const taken = outcomes.find((outcome) => outcome.kind === 'taken');
    assert.ok(taken && taken.kind === 'taken');
    assert.deepEqual(taken.holder, onDisk(), 'the loser is told who holds the lock');
  });

  it('gives exactly one of many concurrent callers a stale lock, round after round', async () => {
    // The interleavings differ from round to round; a takeover that removes a lock another caller
    // has just created shows up as a second owner within a few dozen rounds.
    for (let round = 0; round < 60; round++) {
      writeFileSync(lockFile(), JSON.stringify(info(99_999)));
      const outcomes = await Promise.all(
        [1, 2, 3, 4, 5, 6, 7, 8].map((pid) =>
          acquireWorkspaceLock(dir, info(pid), (holder) => holder !== 99_999),
        ),
      );
      const owners = outcomes.filter((outcome) => outcome.kind === 'owner');
      assert.equal(owners.length, 1, `round ${round}: ${owners.length} owners`);
      assert.ok(!existsSync(`${lockFile()}.takeover`), 'the takeover guard is gone');
      rmSync(lockFile());
    }
  });

  it('clears a takeover guard left behind by a process that died mid-takeover', async () => {
    writeFileSync(lockFile(), JSON.stringify(info(101)));
    writeFileSync(`${lockFile()}.takeover`, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${lockFile()}.takeover`, old, old);
    owner(await acquireWorkspaceLock(dir, info(202), dead));
    assert.deepEqual(onDisk(), info(202));
    assert.ok(!existsSync(`${lockFile()}.takeover`));
  });

  describe('release', () => {
    it('removes its own lock, after which the next caller owns the workspace', async () => {
      const first = owner(await acquireWorkspaceLock(dir, info(101), alive));
      await first.release();
      assert.ok(!existsSync(lockFile()));
      owner(await acquireWorkspaceLock(dir, info(202), alive));
    });

    it('leaves a lock that another process has taken over since', async () => {
      const first = owner(await acquireWorkspaceLock(dir, info(101), alive));
      owner(await acquireWorkspaceLock(dir, info(202), dead));
      await first.release();
      assert.deepEqual(onDisk(), info(202));
    });

    it('does nothing when the lock file is already gone', async () => {
      const first = owner(await acquireWorkspaceLock(dir, info(101), alive));
      rmSync(lockFile());
      await first.release();
      assert.ok(!existsSync(lockFile()));
    });
  });
});

describe('processAlive', () => {
  it('is true for this process and false for one that has exited', () => {
    assert.equal(processAlive(process.pid), true);
    const finished = spawnSync(process.execPath, ['-e', '']);
    assert.equal(processAlive(finished.pid), false);
  });
});

describe('socketPathFor', () => {
  it('gives one workspace one path and two workspaces two paths', () => {
    assert.equal(socketPathFor('/home/a/project'), socketPathFor('/home/a/project'));
    assert.notEqual(socketPathFor('/home/a/project'), socketPathFor('/home/a/project2'));
  });

  it('stays within the unix socket path limit however long the workspace path is', () => {
    const path = socketPathFor(`/${'deep/'.repeat(100)}workspace`, 'linux');
    assert.ok(path.length < 104, `${path.length} characters`);
    assert.match(path, /\.sock$/);
  });

  it('uses a named pipe on Windows', () => {
    assert.match(socketPathFor('C:\\Users\\a\\project', 'win32'), /^\\\\\.\\pipe\\appgen-[0-9a-f]{16}$/);
  });
});

describe('ownerPatienceMs (how long a second daemon waits for the lock holder to answer)', () => {
  const now = Date.parse('2025-02-09T10:00:10.000Z');

  it('waits up to five seconds for a holder that has just started and may not listen yet', () => {
    assert.equal(ownerPatienceMs('2025-02-09T10:00:10.000Z', now), 5000);
    assert.equal(ownerPatienceMs('2025-02-09T10:00:08.000Z', now), 3000);
  });

  it('gives a holder that has run for a while one second', () => {
    assert.equal(ownerPatienceMs('2025-02-09T09:00:00.000Z', now), 1000);
  });

  it('gives one second when the start time cannot be read', () => {
    assert.equal(ownerPatienceMs('yesterday', now), 1000);
  });

  it('never waits longer than five seconds, even for a start time in the future', () => {
    assert.equal(ownerPatienceMs('2025-02-09T11:00:00.000Z', now), 5000);
  });
});
