import assert from 'node:assert/strict';
import { SaveScheduler } from '../../../daemon/history/save-scheduler';
import { FakeTimers } from './history-test-helpers';

/** Resolves once pending promise callbacks have run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SaveScheduler minimum interval', () => {
  function setup(minIntervalMs: number) {
    let now = 1000;
    let saves = 0;
    const timers = new FakeTimers();
    const scheduler = new SaveScheduler({
      save: async () => {
        saves++;
      },
      delayMs: 10_000,
      onError: () => {},
      timers,
      minIntervalMs,
      now: () => now,
    });
    return {
      scheduler,
      timers,
      saves: () => saves,
      advance: (ms: number) => {
        now += ms;
      },
    };
  }

  it('saves a flush at once when the last save is long past', async () => {
    const { scheduler, saves } = setup(200);
    scheduler.markDirty();
    await scheduler.flush();
    assert.equal(saves(), 1);
  });

  it('makes saves nobody waits on, soon after a save, wait, and folds them into one save', async () => {
    const { scheduler, timers, saves, advance } = setup(200);
    scheduler.markDirty();
    await scheduler.flush();
    advance(50);
    const soon: Promise<void>[] = [];
    for (let i = 0; i < 5; i++) {
      scheduler.markDirty();
      soon.push(scheduler.saveSoon());
    }
    await settle();
    assert.equal(saves(), 1, 'nothing saved before the interval is over');
    assert.deepEqual(timers.delays, [150], 'one wait for the rest of the interval');
    advance(150);
    timers.fireAll();
    await Promise.all(soon);
    assert.equal(saves(), 2, 'the five made one save');
  });

  it('saves a flush soon after a save at once: its caller waits for it', async () => {
    const { scheduler, timers, saves, advance } = setup(200);
    scheduler.markDirty();
    await scheduler.flush();
    advance(5);
    scheduler.markDirty();
    await scheduler.flush();
    assert.equal(saves(), 2);
    assert.equal(timers.armed, 0, 'no wait for the spacing');
  });

  it('ends the spacing wait of a save nobody waits on when a flush comes, and saves once for both', async () => {
    const { scheduler, timers, saves, advance } = setup(200);
    scheduler.markDirty();
    await scheduler.flush();
    advance(20);
    scheduler.markDirty();
    const soon = scheduler.saveSoon();
    await settle();
    assert.deepEqual(timers.delays, [180]);
    scheduler.markDirty();
    await scheduler.flush();
    await soon;
    assert.equal(saves(), 2, 'one save for both');
    assert.equal(timers.armed, 0);
  });

  it('groups flushes that arrive during a save into one save after it', async () => {
    let release: () => void = () => {};
    let saves = 0;
    const scheduler = new SaveScheduler({
      save: () => {
        saves++;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
      delayMs: 10_000,
      onError: () => {},
      timers: new FakeTimers(),
      minIntervalMs: 200,
    });
    scheduler.markDirty();
    const first = scheduler.flush();
    await settle();
    const waiting: Promise<void>[] = [];
    for (let i = 0; i < 10; i++) {
      scheduler.markDirty();
      waiting.push(scheduler.flush());
    }
    release();
    await first;
    await settle();
    assert.equal(saves, 2, 'the ten waiting flushes share one save');
    release();
    await Promise.all(waiting);
    assert.equal(saves, 2);
  });

  it('does not wait when nothing changed', async () => {
    const { scheduler, timers, saves } = setup(200);
    scheduler.markDirty();
    await scheduler.flush();
    await scheduler.flush();
    assert.equal(timers.armed, 0);
    assert.equal(saves(), 1);
  });
});
