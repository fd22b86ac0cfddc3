/**
 * A batch's `maxConcurrent` is a limit of its own group in the job queue, overriding the workspace
 * limit for the batch's jobs: at most that many of them run at once, and other jobs are not held up.
 */
import assert from 'node:assert/strict';
import { JobQueue } from '../../../daemon/job-queue';

/** Tasks that start when the queue runs them and end when the test says so. */
function tasks(queue: JobQueue) {
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  const waits: { count: number; resolve: () => void }[] = [];
  let running = 0;
  const peak = new Map<string, number>();
  const runningIn = new Map<string, number>();
  return {
    started,
    get running() {
      return running;
    },
    peakOf: (group: string) => peak.get(group) ?? 0,
    add(name: string, group?: string, priority = 0): Promise<void> {
      return queue.add(
        () =>
          new Promise<void>((resolve) => {
            started.push(name);
            running++;
            const key = group ?? '';
            runningIn.set(key, (runningIn.get(key) ?? 0) + 1);
            peak.set(key, Math.max(peak.get(key) ?? 0, runningIn.get(key)!));
            finishers.set(name, () => {
              running--;
              runningIn.set(key, runningIn.get(key)! - 1);
              resolve();
            });
            for (const wait of [...waits]) {
              if (started.length >= wait.count) {
                waits.splice(waits.indexOf(wait), 1);
                wait.resolve();
              }
            }
          }),
        { priority, ...(group !== undefined ? { batchId: group } : {}) },
      );
    },
    /** Ends a started task and waits for its `add` promise, by which time the next has been let in. */
    async finish(name: string, settled: Promise<void>): Promise<void> {
      const finish = finishers.get(name);
      assert.ok(finish, `${name} has started`);
      finishers.delete(name);
      finish();
      await settled;
    },
    /** Resolves once `count` tasks have started in all. */
    startedCount(count: number): Promise<void> {
      if (started.length >= count) return Promise.resolve();
      return new Promise((resolve) => waits.push({ count, resolve }));
    },
  };
}

/** One turn of the event loop: whatever the queue starts on its own has started by then. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('JobQueue group limits (a batch maxConcurrent)', () => {
  it('runs at most the group limit of its tasks at once, while other tasks take the free slots', async () => {
    const queue = new JobQueue({ enabled: true, maxConcurrent: 4 });
    const t = tasks(queue);
    queue.limitGroup('batch-a', 1);
    const a1 = t.add('a1', 'batch-a');
    t.add('a2', 'batch-a');
    t.add('a3', 'batch-a');
    t.add('solo');
    t.add('b1', 'batch-b');
    await t.startedCount(3);
    await turn();
    assert.deepEqual(
      [...t.started].sort(),
      ['a1', 'b1', 'solo'],
      'held batch jobs leave the slots to others',
    );
    assert.equal(queue.waiting, 2);
    assert.equal(queue.running, 3);
    await t.finish('a1', a1);
    await t.startedCount(4);
    assert.equal(t.started[3], 'a2');
    assert.equal(t.peakOf('batch-a'), 1);
  });

  it('runs a group up to its own limit even above the workspace limit', async () => {
    const queue = new JobQueue({ enabled: true, maxConcurrent: 2 });
    const t = tasks(queue);
    queue.limitGroup('batch', 3);
    const first = t.add('a1', 'batch');
    for (const name of ['a2', 'a3', 'a4']) t.add(name, 'batch');
    await t.startedCount(3);
    await turn();
    assert.equal(t.running, 3, 'the batch limit overrides the workspace one');
    await t.finish('a1', first);
    await t.startedCount(4);
    assert.equal(t.peakOf('batch'), 3);
  });

  it('neither waits for the workspace slots nor takes them', async () => {
    const queue = new JobQueue({ enabled: true, maxConcurrent: 2 });
    const t = tasks(queue);
    queue.limitGroup('batch', 1);
    const s1 = t.add('s1');
    t.add('s2');
    t.add('s3');
    t.add('a1', 'batch');
    t.add('a2', 'batch');
    await t.startedCount(3);
    await turn();
    assert.deepEqual([...t.started].sort(), ['a1', 's1', 's2'], 'full workspace slots do not hold the batch');
    await t.finish('s1', s1);
    await t.startedCount(4);
    await turn();
    assert.equal(t.started[3], 's3', 'a freed workspace slot goes to a workspace job');
    assert.equal(t.peakOf('batch'), 1);
  });

  it('pauses and resumes the lines of groups with the workspace line', async () => {
    const queue = new JobQueue({ enabled: true, maxConcurrent: 2 });
    const t = tasks(queue);
    queue.pause();
    queue.limitGroup('batch', 1);
    t.add('a1', 'batch');
    t.add('s1');
    await turn();
    assert.deepEqual(t.started, []);
    assert.equal(queue.waiting, 2);
    queue.resume();
    await t.startedCount(2);
    assert.deepEqual([...t.started].sort(), ['a1', 's1']);
    assert.equal(queue.running, 2);
  });

  it('gives each of two overlapping groups its own limit', async () => {
    const queue = new JobQueue({ enabled: true, maxConcurrent: 8 });
    const t = tasks(queue);
    queue.limitGroup('one', 1);
    queue.limitGroup('two', 2);
    const settled = new Map<string, Promise<void>>();
    for (const name of ['o1', 'o2', 'o3']) settled.set(name, t.add(name, 'one'));
    for (const name of ['t1', 't2', 't3']) settled.set(name, t.add(name, 'two'));
    await t.startedCount(3);
    await turn();
    assert.deepEqual([...t.started].sort(), ['o1', 't1', 't2']);
    await t.finish('t1', settled.get('t1')!);
    await t.startedCount(4);
    assert.equal(t.started[3], 't3', 'the second group finishing lets in its own next task only');
    await turn();
    assert.equal(t.started.length, 4);
    assert.deepEqual([t.peakOf('one'), t.peakOf('two')], [1, 2]);
  });

  it('keeps a group limit when the workspace settings change, and starts held tasks when it is raised', async () => {
    const queue = new JobQueue({ enabled: true, maxConcurrent: 2 });
    const t = tasks(queue);
    queue.limitGroup('batch', 1);
    for (const name of ['a1', 'a2', 'a3']) t.add(name, 'batch');
    await t.startedCount(1);
    queue.configure({ enabled: true, maxConcurrent: 8 });
    await turn();
    assert.equal(t.started.length, 1, 'a settings change does not lift the batch limit');
    queue.limitGroup('batch', 3);
    await t.startedCount(3);
    assert.deepEqual(t.started, ['a1', 'a2', 'a3']);
  });

  it('applies a group limit even with the queue off', async () => {
    const queue = new JobQueue({ enabled: false, maxConcurrent: 1 });
    const t = tasks(queue);
    queue.limitGroup('batch', 1);
    t.add('a1', 'batch');
    t.add('a2', 'batch');
    for (const name of ['s1', 's2', 's3']) t.add(name);
    await t.startedCount(4);
    await turn();
    assert.deepEqual([...t.started].sort(), ['a1', 's1', 's2', 's3']);
  });

  it('lets held tasks in by priority, then in the order they were added', async () => {
    const queue = new JobQueue({ enabled: true, maxConcurrent: 4 });
    const t = tasks(queue);
    queue.limitGroup('batch', 1);
    const settled = new Map<string, Promise<void>>();
    settled.set('first', t.add('first', 'batch'));
    settled.set('low1', t.add('low1', 'batch'));
    settled.set('high', t.add('high', 'batch', 5));
    settled.set('low2', t.add('low2', 'batch'));
    for (const [count, name] of [
      [2, 'first'],
      [3, 'high'],
      [4, 'low1'],
    ] as const) {
      await t.finish(name, settled.get(name)!);
      await t.startedCount(count);
    }
    assert.deepEqual(t.started, ['first', 'high', 'low1', 'low2']);
  });

  it('drops held tasks on clearWaiting; a task still running keeps its slot in the group', async () => {
    const queue = new JobQueue({ enabled: true, maxConcurrent: 4 });
    const t = tasks(queue);
    queue.limitGroup('batch', 1);
    const running = t.add('a1', 'batch');
    t.add('a2', 'batch');
    await t.startedCount(1);
    queue.clearWaiting();
    assert.equal(queue.waiting, 0);
    const after = t.add('a3', 'batch');
    await turn();
    assert.deepEqual(t.started, ['a1'], 'the running task still fills the batch');
    await t.finish('a1', running);
    await t.startedCount(2);
    assert.deepEqual(t.started, ['a1', 'a3'], 'the cleared task never runs');
    await t.finish('a3', after);
    await queue.onIdle();
  });

  it('never starts the waiting tasks of a group dropped with dropWaiting, resolving them; later ones run', async () => {
    const queue = new JobQueue({ enabled: true, maxConcurrent: 1 });
    const t = tasks(queue);
    const first = t.add('a1', 'a');
    const dropped = [t.add('a2', 'a'), t.add('a3', 'a')];
    const other = t.add('b1', 'b');
    queue.dropWaiting('a');
    const later = t.add('a4', 'a');
    await t.finish('a1', first);
    await Promise.all(dropped);
    await t.finish('b1', other);
    await t.finish('a4', later);
    assert.deepEqual(t.started, ['a1', 'b1', 'a4'], 'a2 and a3 never started; the running a1 went on');
  });

  it('drops the tasks a group adds while dropped "and later", until a plain drop; after it they run', async () => {
    const queue = new JobQueue({ enabled: true, maxConcurrent: 1 });
    const t = tasks(queue);
    const first = t.add('a1', 'a');
    queue.dropWaiting('a', true);
    // Added while a cancel goes on (a batch still being queued): the free slot must not take them.
    const meanwhile = [t.add('a2', 'a'), t.add('a3', 'a')];
    await t.finish('a1', first);
    await Promise.all(meanwhile);
    queue.dropWaiting('a');
    const after = t.add('a4', 'a');
    await t.finish('a4', after);
    assert.deepEqual(t.started, ['a1', 'a4'], 'a2 and a3 never started');
  });

  it('passes a rejection of a grouped task to the caller and lets the next one in', async () => {
    const queue = new JobQueue({ enabled: true, maxConcurrent: 4 });
    queue.limitGroup('batch', 1);
    const inBatch = { batchId: 'batch' };
    const failing = queue.add(async () => {
      throw new Error('boom');
    }, inBatch);
    let ran = false;
    const next = queue.add(async () => {
      ran = true;
    }, inBatch);
    await assert.rejects(failing, /boom/);
    await next;
    assert.equal(ran, true);
  });

  it('refuses a limit that is not a positive integer', () => {
    const queue = new JobQueue({ enabled: true, maxConcurrent: 4 });
    assert.throws(() => queue.limitGroup('batch', 0), /A group limit must be a positive integer, got 0/);
    assert.throws(() => queue.limitGroup('batch', 1.5), /got 1.5/);
  });
});
