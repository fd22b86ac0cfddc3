import * as assert from 'node:assert/strict';
import { RestartPolicy } from '../../../extension/restart-policy';

describe('RestartPolicy', () => {
  const options = { maxCrashes: 4, windowMs: 60_000, baseDelayMs: 100, maxDelayMs: 300 };

  it('doubles the delay for each crash in the window, up to the maximum', () => {
    let now = 0;
    const policy = new RestartPolicy(options, () => now);
    const delays = [1, 2, 3].map(() => {
      now += 1000;
      return policy.recordCrash();
    });
    assert.deepEqual(delays, [
      { giveUp: false, delayMs: 100 },
      { giveUp: false, delayMs: 200 },
      { giveUp: false, delayMs: 300 },
    ]);
  });

  it('gives up when the crashes in the window reach the limit', () => {
    let now = 0;
    const policy = new RestartPolicy(options, () => now);
    for (let i = 0; i < 3; i += 1) {
      now += 10;
      assert.equal(policy.recordCrash().giveUp, false);
    }
    assert.deepEqual(policy.recordCrash(), { giveUp: true });
  });

  it('forgets crashes older than the window', () => {
    let now = 0;
    const policy = new RestartPolicy(options, () => now);
    for (let i = 0; i < 3; i += 1) policy.recordCrash();
    now += 60_000;
    assert.deepEqual(policy.recordCrash(), { giveUp: false, delayMs: 100 });
    assert.equal(policy.recentCrashes, 1);
  });

  it('starts over after reset', () => {
    const policy = new RestartPolicy(options, () => 0);
    for (let i = 0; i < 3; i += 1) policy.recordCrash();
    policy.reset();
    assert.deepEqual(policy.recordCrash(), { giveUp: false, delayMs: 100 });
  });
});
