import assert from 'node:assert/strict';
import type { AppExit } from '../../../../daemon/checks/smoke/app-process';
import type { HttpAnswer } from '../../../../daemon/checks/smoke/probe-http';
import { MIN_PAUSE_MS, waitForHealth } from '../../../../daemon/checks/smoke/wait-for-health';

const refused: HttpAnswer = { headers: {}, body: '', json: false, error: 'connect ECONNREFUSED' };
const ok: HttpAnswer = { status: 200, headers: {}, body: '{}', json: true, value: {} };

/** A clock that moves only when the waiter sleeps or a request takes time. */
function fakeTime() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    clock: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    spend: (ms: number) => {
      now += ms;
    },
  };
}

const never = new Promise<AppExit>(() => {});

describe('smoke health wait', () => {
  it('asks again with a growing pause until the app answers 2xx', async () => {
    const time = fakeTime();
    const answers = [refused, refused, { ...ok, status: 503 }, refused, ok];
    const result = await waitForHealth({
      ask: async () => answers.shift()!,
      exited: never,
      limitMs: 10_000,
      ...time,
    });
    assert.deepEqual(result, { ok: true });
    assert.deepEqual(time.sleeps, [20, 40, 80, 100]);
  });

  it('asks again as soon as the app prints something, not a pause later', async () => {
    const answers = [refused, refused, ok];
    const sleeps: number[] = [];
    let printedCalls = 0;
    const result = await waitForHealth({
      ask: async () => answers.shift()!,
      exited: never,
      limitMs: 10_000,
      clock: () => 0,
      // The backoff's pauses never end by themselves here: only the app's output ends them.
      sleep: (ms) => {
        sleeps.push(ms);
        return ms <= MIN_PAUSE_MS ? Promise.resolve() : new Promise<void>(() => {});
      },
      printed: async () => {
        printedCalls += 1;
      },
    });
    assert.deepEqual(result, { ok: true });
    assert.equal(answers.length, 0);
    assert.equal(printedCalls, 2);
    assert.deepEqual(sleeps, [20, MIN_PAUSE_MS, 40, MIN_PAUSE_MS]);
  });

  it('keeps a short pause between requests to an app that prints all the time', async () => {
    const time = fakeTime();
    let asked = 0;
    const result = await waitForHealth({
      ask: async () => {
        asked += 1;
        return refused;
      },
      exited: never,
      limitMs: 1_000,
      clock: time.clock,
      // A pause ends only by the clock moving; output is always there.
      sleep: (ms) => (ms <= MIN_PAUSE_MS ? time.sleep(ms) : new Promise<void>(() => {})),
      printed: async () => {},
    });
    assert.equal(result.ok, false);
    assert.ok(asked <= 1_000 / MIN_PAUSE_MS + 1, `asked ${asked} times in 1 s`);
    assert.ok(time.sleeps.every((ms) => ms === MIN_PAUSE_MS));
  });

  it('gives up at the limit with the last answer', async () => {
    const time = fakeTime();
    const asked: number[] = [];
    const result = await waitForHealth({
      ask: async (timeoutMs) => {
        asked.push(timeoutMs);
        time.spend(timeoutMs);
        return { headers: {}, body: '', json: false, error: `no answer within ${timeoutMs} ms` };
      },
      exited: never,
      limitMs: 10_000,
      ...time,
    });
    assert.equal(result.ok, false);
    assert.equal(time.clock() <= 10_000, true);
    assert.ok(asked.every((ms) => ms <= 2_000));
    assert.match((result as { last: HttpAnswer }).last.error!, /no answer/);
  });

  it('stops waiting as soon as the app exits', async () => {
    const time = fakeTime();
    let exit!: (value: AppExit) => void;
    const exited = new Promise<AppExit>((resolve) => {
      exit = resolve;
    });
    const result = waitForHealth({
      ask: () => {
        exit({ code: 1, signal: null });
        return new Promise<HttpAnswer>(() => {});
      },
      exited,
      limitMs: 10_000,
      ...time,
    });
    assert.deepEqual(await result, { ok: false, exit: { code: 1, signal: null } });
  });
});
