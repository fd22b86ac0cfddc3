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

  it('makes flushes soon after a save wait, and folds them into one save', async () => {
    const { scheduler, timers, saves, advance } = setup(200);
    scheduler.markDirty();
    await scheduler.flush();
    advance(50);
    const flushes: Promise<void>[] = [];
    for (let i = 0; i < 5; i++) {
      scheduler.markDirty();
      flushes.push(scheduler.flush());
    }
    await settle();
    assert.equal(saves(), 1, 'nothing saved before the interval is over');
    assert.deepEqual(timers.delays, [150], 'one wait for the rest of the interval');
    advance(150);
    timers.fireAll();
    await Promise.all(flushes);
    assert.equal(saves(), 2, 'the five flushes made one save');
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
