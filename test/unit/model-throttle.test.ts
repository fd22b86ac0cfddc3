import assert from 'node:assert/strict';
import { ModelThrottle } from '../../daemon/model-throttle';
import { OpenRouterClient } from '../../daemon/openrouter/openrouter-client';
import type { AttemptEnd } from '../../daemon/provider/chat-call';
import { type ScriptedHttpServer, startScriptedHttpServer } from '../support/scripted-http-server';

type Leave = (end: AttemptEnd) => void;

const OK: AttemptEnd = { ok: true };
// Both are the provider's word that the server pushed back (OpenRouter: a 429, a 503).
const TOO_MANY: AttemptEnd = { ok: false, overloaded: true };
const OVERLOADED: AttemptEnd = { ok: false, overloaded: true };

/** Starts `count` attempts to `model` that are let in at once, and returns how each one ends. */
async function startMany(throttle: ModelThrottle, model: string, count: number): Promise<Leave[]> {
  return Promise.all(Array.from({ length: count }, () => throttle.enter(model)));
}

/** An attempt that waits for its turn: whether it has been let in, and its leave once it has. */
function waiting(throttle: ModelThrottle, model: string, signal?: AbortSignal) {
  const state: { admitted: boolean; leave?: Leave; entered: Promise<Leave> } = {
    admitted: false,
    entered: throttle.enter(model, signal),
  };
  state.entered.then(
    (leave) => {
      state.admitted = true;
      state.leave = leave;
    },
    () => {},
  );
  return state;
}

/** Lets promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A clock whose waits end only when the test moves it on. */
function fakeClock() {
  let now = 0;
  const timers: Array<{ at: number; resolve: () => void }> = [];
  return {
    now: () => now,
    sleep: (ms: number) => new Promise<void>((resolve) => timers.push({ at: now + ms, resolve })),
    /** Moves time on by `ms`, ending the waits that fall due. */
    advance: async (ms: number) => {
      now += ms;
      for (const timer of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.resolve();
      }
      await settle();
    },
  };
}

describe('ModelThrottle', () => {
  it('lets every attempt in while a model has not pushed back', async () => {
    const throttle = new ModelThrottle(() => 8);
    const leaves = await startMany(throttle, 'a/m', 20);
    assert.equal(throttle.limitOf('a/m'), undefined);
    for (const leave of leaves) leave(OK);
  });

  it('halves the attempts allowed at once on a 429 or a 503, never below one', async () => {
    const throttle = new ModelThrottle(() => 8);
    const leaves = await startMany(throttle, 'a/m', 8);
    leaves[0]!(TOO_MANY);
    assert.equal(throttle.limitOf('a/m'), 4, 'half of the eight under way');
    // Attempts begun after the decrease that are pushed back again halve it again.
    for (const leave of leaves.slice(1)) leave({ ok: false, overloaded: false });
    for (const expected of [2, 1, 1]) {
      const [leave] = await startMany(throttle, 'a/m', 1);
      leave!(OVERLOADED);
      assert.equal(throttle.limitOf('a/m'), expected);
    }
  });

  it('counts the answers to attempts begun before a decrease as the same overload', async () => {
    const throttle = new ModelThrottle(() => 8);
    const leaves = await startMany(throttle, 'a/m', 8);
    leaves[0]!(TOO_MANY);
    leaves[1]!(OVERLOADED);
    leaves[2]!(TOO_MANY);
    assert.equal(throttle.limitOf('a/m'), 4);
    for (const leave of leaves.slice(3)) leave(OK);
  });

  it('holds attempts past the limit and lets them in as others end, in order', async () => {
    const throttle = new ModelThrottle(() => 8);
    const leaves = await startMany(throttle, 'a/m', 4);
    leaves[0]!(TOO_MANY); // limit 2, three under way
    const first = waiting(throttle, 'a/m');
    const second = waiting(throttle, 'a/m');
    await settle();
    assert.equal(first.admitted, false);
    leaves[1]!({ ok: false }); // a failure without pushback: two under way, limit still 2
    await settle();
    assert.equal(first.admitted, false);
    leaves[2]!(OK); // limit 3, one under way: both waiting attempts go in
    await settle();
    assert.ok(first.admitted && second.admitted);
    assert.equal(throttle.limitOf('a/m'), 3);
  });

  it('adds one back per successful attempt, and forgets the model at the queue limit', async () => {
    const throttle = new ModelThrottle(() => 4);
    const leaves = await startMany(throttle, 'a/m', 4);
    leaves[0]!(TOO_MANY);
    assert.equal(throttle.limitOf('a/m'), 2);
    leaves[1]!(OK);
    assert.equal(throttle.limitOf('a/m'), 3);
    leaves[2]!(OK);
    assert.equal(throttle.limitOf('a/m'), undefined, 'back at the queue limit: not limited');
    leaves[3]!(OK);
    // Not limited means not bounded by the workspace limit either (a batch may allow more).
    const more = await startMany(throttle, 'a/m', 6);
    for (const leave of more) leave(OK);
  });

  it('does not limit other models', async () => {
    const throttle = new ModelThrottle(() => 8);
    const [busy] = await startMany(throttle, 'a/busy', 2);
    busy!(TOO_MANY);
    assert.equal(throttle.limitOf('a/busy'), 1);
    assert.equal(throttle.limitOf('b/fine'), undefined);
    const others = await startMany(throttle, 'b/fine', 8);
    for (const leave of others) leave(OK);
  });

  it('a cancelled attempt leaves the line at once and takes no place', async () => {
    const throttle = new ModelThrottle(() => 8);
    const leaves = await startMany(throttle, 'a/m', 2);
    leaves[0]!(TOO_MANY); // limit 1, one under way
    const controller = new AbortController();
    const cancelled = waiting(throttle, 'a/m', controller.signal);
    const next = waiting(throttle, 'a/m');
    controller.abort(new Error('cancelled by the job'));
    await assert.rejects(cancelled.entered, /cancelled by the job/);
    leaves[1]!({ ok: false });
    await settle();
    assert.equal(next.admitted, true, 'the place went to the next in line');
    await assert.rejects(throttle.enter('a/m', controller.signal), /cancelled by the job/);
  });

  it('reports an attempt that ends twice once', async () => {
    const throttle = new ModelThrottle(() => 8);
    const [leave] = await startMany(throttle, 'a/m', 1);
    leave!(TOO_MANY);
    leave!(TOO_MANY);
    const [again] = await startMany(throttle, 'a/m', 1);
    again!(OK);
    assert.equal(throttle.limitOf('a/m'), 2);
  });

  describe('with the OpenRouter client (fake clock for its waits)', () => {
    let server: ScriptedHttpServer;
    beforeEach(async () => {
      server = await startScriptedHttpServer();
    });
    afterEach(async () => {
      await server.close();
    });

    it('a Retry-After delays only the call that got it; the model goes on at a lower limit', async () => {
      const clock = fakeClock();
      const throttle = new ModelThrottle(() => 8);
      const client = new OpenRouterClient({
        baseUrl: `${server.origin}/api/v1`,
        apiKey: 'sk-or-v1-throttle-test-key',
        maxRetries: 2,
        backoffBaseMs: 1,
        timeoutMs: 5000,
        now: clock.now,
        sleep: clock.sleep,
      });
      const call = throttle.wrap((request, options) => client.complete(request, options));
      const answer = { choices: [{ message: { content: 'done' }, finish_reason: 'stop' }] };
      server.reply({ status: 503, body: { error: { message: 'busy' } }, headers: { 'retry-after': '5' } });
      server.reply({ status: 200, body: answer }, 2);
      const options = () => ({
        signal: new AbortController().signal,
        onRetry: () => {},
        onAttempt: () => {},
      });
      const request = { model: 'a/m', messages: [{ role: 'user' as const, content: 'hi' }] };

      let firstDone = false;
      const first = call(request, options()).then((result) => {
        firstDone = true;
        return result;
      });
      while (throttle.limitOf('a/m') === undefined) await settle();
      assert.equal(throttle.limitOf('a/m'), 1, 'the 503 lowered the limit');
      // The first call waits out its Retry-After (the clock stands still); the second goes on.
      const second = await call(request, options());
      assert.equal(second.attempts, 1);
      assert.equal(clock.now(), 0);
      assert.equal(firstDone, false);
      assert.equal(throttle.limitOf('a/m'), 2, 'its success added one back');
      await clock.advance(5000);
      assert.equal((await first).attempts, 2);
      assert.equal(server.pending(), 0);
    });
  });
});
