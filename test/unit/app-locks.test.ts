import assert from 'node:assert/strict';
import { mock } from 'node:test';
import { AppLocks } from '../../daemon/app-locks';
import { DaemonError } from '../../daemon/daemon-error';

/** A promise with its resolver, to hold a lock for exactly as long as a test wants. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Lets every pending promise callback run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function isLockTimeout(key: string): (error: unknown) => boolean {
  return (error) =>
    error instanceof DaemonError &&
    error.code === 'lock_timeout' &&
    error.message === `Timeout acquiring lock for ${key}`;
}

describe('AppLocks', () => {
  afterEach(() => {
    mock.timers.reset();
  });

  it('runs functions for one key one after another, in the order they asked', async () => {
    const locks = new AppLocks(() => 60_000);
    const first = gate();
    const events: string[] = [];
    const a = locks.runExclusive('m/app1', async () => {
      events.push('a start');
      await first.promise;
      events.push('a end');
    });
    const b = locks.runExclusive('m/app1', async () => {
      events.push('b');
    });
    const c = locks.runExclusive('m/app1', async () => {
      events.push('c');
    });
    await settle();
    assert.deepEqual(events, ['a start'], 'b and c wait for a');
    first.open();
    await Promise.all([a, b, c]);
    assert.deepEqual(events, ['a start', 'a end', 'b', 'c']);
  });

  it('lets different keys run at the same time', async () => {
    const locks = new AppLocks(() => 0);
    const held = gate();
    const one = locks.runExclusive('m/app1', () => held.promise);
    // With a zero timeout this would fail at once if app2 shared app1's lock.
    assert.equal(await locks.runExclusive('m/app2', async () => 'app2 done'), 'app2 done');
    held.open();
    await one;
  });

  it('returns what the function returns and passes its rejection through, releasing the lock', async () => {
    const locks = new AppLocks(() => 0);
    assert.equal(await locks.runExclusive('m/app1', async () => 42), 42);
    const boom = new Error('commit failed');
    await assert.rejects(
      locks.runExclusive('m/app1', async () => {
        throw boom;
      }),
      (error) => error === boom,
    );
    assert.equal(await locks.runExclusive('m/app1', async () => 'free again'), 'free again');
  });

  it('fails with lock_timeout naming the app when the lock stays busy, and never runs the function', async () => {
    const locks = new AppLocks(() => 0);
    const held = gate();
    const holder = locks.runExclusive('m/app1', () => held.promise);
    let ran = false;
    await assert.rejects(
      locks.runExclusive('m/app1', async () => {
        ran = true;
      }),
      isLockTimeout('m/app1'),
    );
    held.open();
    await holder;
    await settle();
    assert.equal(ran, false);
    assert.deepEqual(locks.busyKeys(), []);
  });

  it('waits up to the timeout and no longer', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const locks = new AppLocks(() => 1000);
    const held = gate();
    const holder = locks.runExclusive('m/app1', () => held.promise);
    let outcome: unknown;
    const waiter = locks
      .runExclusive('m/app1', async () => 'ran')
      .then(
        (value) => {
          outcome = value;
        },
        (error: unknown) => {
          outcome = error;
        },
      );
    await settle();
    mock.timers.tick(999);
    await settle();
    assert.equal(outcome, undefined, 'still waiting just before the timeout');
    mock.timers.tick(1);
    await waiter;
    assert.ok(isLockTimeout('m/app1')(outcome), `timed out: ${String(outcome)}`);
    held.open();
    await holder;
  });

  it('gives the lock to a waiter released before its timeout', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const locks = new AppLocks(() => 1000);
    const held = gate();
    const holder = locks.runExclusive('m/app1', () => held.promise);
    const waiter = locks.runExclusive('m/app1', async () => 'ran');
    await settle();
    mock.timers.tick(500);
    held.open();
    await holder;
    assert.equal(await waiter, 'ran');
  });

  it('keeps the lock exclusive after a waiter timed out', async () => {
    const locks = new AppLocks(() => 0);
    const held = gate();
    let inside = 0;
    let most = 0;
    const enter = async (work: Promise<void>) => {
      inside++;
      most = Math.max(most, inside);
      await work;
      inside--;
    };
    const holder = locks.runExclusive('m/app1', () => enter(held.promise));
    await assert.rejects(
      locks.runExclusive('m/app1', () => enter(Promise.resolve())),
      isLockTimeout('m/app1'),
    );
    held.open();
    await holder;
    const later = gate();
    const next = locks.runExclusive('m/app1', () => enter(later.promise));
    await settle();
    later.open();
    await next;
    assert.equal(most, 1);
  });

  it('forgets a key once nobody holds or waits for it, and reads the timeout for each new lock', async () => {
    let timeout = 0;
    const locks = new AppLocks(() => timeout);
    const held = gate();
    const holder = locks.runExclusive('m/app1', () => held.promise);
    assert.deepEqual(locks.busyKeys(), ['m/app1']);
    held.open();
    await holder;
    assert.deepEqual(locks.busyKeys(), []);

    // A longer timeout set later applies to the next lock of the key.
    timeout = 60_000;
    const again = gate();
    const second = locks.runExclusive('m/app1', () => again.promise);
    const waiter = locks.runExclusive('m/app1', async () => 'waited');
    await settle();
    again.open();
    await second;
    assert.equal(await waiter, 'waited');
  });

  describe('with an abort signal', () => {
    function isCancelled(key: string): (error: unknown) => boolean {
      return (error) =>
        error instanceof DaemonError &&
        error.code === 'cancelled' &&
        error.message === `Cancelled while waiting for the lock of ${key}`;
    }

    it('stops waiting at once when aborted, while the holder still holds the lock', async () => {
      const locks = new AppLocks(() => 60_000);
      const held = gate();
      let holderDone = false;
      const holder = locks
        .runExclusive('m/app1', () => held.promise)
        .then(() => {
          holderDone = true;
        });
      const controller = new AbortController();
      let ran = false;
      const waiter = locks.runExclusive(
        'm/app1',
        async () => {
          ran = true;
        },
        controller.signal,
      );
      await settle();
      controller.abort();
      await assert.rejects(waiter, isCancelled('m/app1'));
      assert.equal(holderDone, false, 'the waiter gave up before the lock was released');
      held.open();
      await holder;
      assert.equal(ran, false, 'the abandoned turn never runs');
    });

    it('passes an abandoned turn on to the next waiter', async () => {
      const locks = new AppLocks(() => 60_000);
      const held = gate();
      const events: string[] = [];
      const holder = locks.runExclusive('m/app1', () => held.promise);
      const controller = new AbortController();
      const abandoned = locks.runExclusive('m/app1', async () => events.push('abandoned'), controller.signal);
      const next = locks.runExclusive('m/app1', async () => events.push('next'));
      await settle();
      controller.abort();
      await assert.rejects(abandoned, isCancelled('m/app1'));
      held.open();
      await Promise.all([holder, next]);
      assert.deepEqual(events, ['next']);
      assert.deepEqual(locks.busyKeys(), []);
      assert.equal(await locks.runExclusive('m/app1', async () => 'free'), 'free');
    });

    it('refuses at once for a signal already aborted, without running the function', async () => {
      const locks = new AppLocks(() => 60_000);
      let ran = false;
      await assert.rejects(
        locks.runExclusive(
          'm/app1',
          async () => {
            ran = true;
          },
          AbortSignal.abort(),
        ),
        isCancelled('m/app1'),
      );
      assert.equal(ran, false);
      assert.deepEqual(locks.busyKeys(), []);
    });

    it('does not stop a function that holds the lock when the signal aborts', async () => {
      const locks = new AppLocks(() => 60_000);
      const controller = new AbortController();
      const inside = gate();
      const result = locks.runExclusive(
        'm/app1',
        async () => {
          controller.abort();
          await inside.promise;
          return 'committed';
        },
        controller.signal,
      );
      await settle();
      inside.open();
      assert.equal(await result, 'committed');
    });

    it('still fails with lock_timeout for a waiter with a signal that does not abort', async () => {
      mock.timers.enable({ apis: ['setTimeout'] });
      const locks = new AppLocks(() => 1000);
      const held = gate();
      const holder = locks.runExclusive('m/app1', () => held.promise);
      const waiter = locks.runExclusive('m/app1', async () => 'never', new AbortController().signal);
      await settle();
      mock.timers.tick(1000);
      await assert.rejects(waiter, isLockTimeout('m/app1'));
      held.open();
      await holder;
    });
  });
});
