import assert from 'node:assert/strict';
import { DaemonError } from '../../daemon/daemon-error';
import type { ModelCaller } from '../../daemon/job-runner';
import { ModelThrottle } from '../../daemon/model-throttle';
import type { ChatResult, RetryNotice } from '../../daemon/openrouter/openrouter-client';

/** A clock whose sleeps advance time at once and are recorded. */
function fakeClock() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    advance: (ms: number) => {
      now += ms;
    },
    clock: {
      now: () => now,
      sleep: async (ms: number, signal: AbortSignal) => {
        if (signal.aborted) throw new DaemonError('cancelled', 'cancelled');
        sleeps.push(ms);
        now += ms;
      },
    },
  };
}

const result = { content: 'x', finishReason: 'stop' } as ChatResult;

function callerThatRetries(status: number, retryAfterMs?: number): ModelCaller {
  return async (_request, options) => {
    options.onRetry({
      attempt: 1,
      delayMs: retryAfterMs ?? 10,
      error: new DaemonError('rate_limited', 'slow down', {
        status,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      }),
    });
    return result;
  };
}

const options = (notices: RetryNotice[] = []) => ({
  signal: new AbortController().signal,
  onRetry: (n: RetryNotice) => notices.push(n),
  onAttempt: () => {},
});

describe('ModelThrottle', () => {
  it('makes later calls to a model wait out a 429 Retry-After', async () => {
    const { clock, sleeps } = fakeClock();
    const throttle = new ModelThrottle(clock);
    await throttle.wrap(callerThatRetries(429, 5000))({ model: 'a/slow', messages: [] }, options());
    const notices: RetryNotice[] = [];
    await throttle.wrap(async () => result)({ model: 'a/slow', messages: [] }, options(notices));
    assert.deepEqual(sleeps, [5000]);
    assert.equal(notices.length, 1, 'the wait is announced like a retry wait');
    assert.equal(notices[0]!.delayMs, 5000);
  });

  it('does not slow other models', async () => {
    const { clock, sleeps } = fakeClock();
    const throttle = new ModelThrottle(clock);
    await throttle.wrap(callerThatRetries(503, 5000))({ model: 'a/slow', messages: [] }, options());
    await throttle.wrap(async () => result)({ model: 'b/fast', messages: [] }, options());
    assert.deepEqual(sleeps, []);
    assert.equal(throttle.waitingUntil('b/fast'), undefined);
    assert.ok(throttle.waitingUntil('a/slow'));
  });

  it('ignores waits without Retry-After and waits of other statuses', async () => {
    const { clock, sleeps } = fakeClock();
    const throttle = new ModelThrottle(clock);
    await throttle.wrap(callerThatRetries(429))({ model: 'a/m', messages: [] }, options());
    await throttle.wrap(callerThatRetries(500, 5000))({ model: 'a/m', messages: [] }, options());
    await throttle.wrap(async () => result)({ model: 'a/m', messages: [] }, options());
    assert.deepEqual(sleeps, []);
  });

  it('lets calls through again once the wait is over', async () => {
    const { clock, sleeps, advance } = fakeClock();
    const throttle = new ModelThrottle(clock);
    throttle.slowDown('a/m', 1000);
    advance(1001);
    await throttle.wrap(async () => result)({ model: 'a/m', messages: [] }, options());
    assert.deepEqual(sleeps, []);
  });

  it('a cancelled job stops waiting', async () => {
    const { clock } = fakeClock();
    const throttle = new ModelThrottle(clock);
    throttle.slowDown('a/m', 1000);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      throttle.wrap(async () => result)(
        { model: 'a/m', messages: [] },
        { ...options(), signal: controller.signal },
      ),
      (error: DaemonError) => error.code === 'cancelled',
    );
  });
});
