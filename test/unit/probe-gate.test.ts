import assert from 'node:assert/strict';
import { ProbeGate } from '../../daemon/probe-gate';
import { QueuePause } from '../../daemon/queue-pause';

/** Which of `ids` have passed the gate once pending callbacks have run. */
async function passing(gate: ProbeGate, ids: string[]): Promise<Set<string>> {
  const passed = new Set<string>();
  for (const id of ids) void gate.pass(id).then(() => passed.add(id));
  await new Promise((resolve) => setImmediate(resolve));
  return passed;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ProbeGate', () => {
  it('lets everything through while open', async () => {
    assert.deepEqual([...(await passing(new ProbeGate(), ['a', 'b', 'c']))], ['a', 'b', 'c']);
  });

  it('once closed lets one job through, and the rest when it succeeds', async () => {
    const gate = new ProbeGate();
    gate.close();
    const passed = await passing(gate, ['a', 'b', 'c']);
    assert.deepEqual([...passed], ['a']);
    assert.equal(gate.held, 2);
    gate.ended('b', 'succeeded'); // not the probe: nothing changes
    await settle();
    assert.equal(passed.size, 1);
    gate.ended('a', 'succeeded');
    await settle();
    assert.deepEqual([...passed].sort(), ['a', 'b', 'c']);
    assert.deepEqual([...(await passing(gate, ['d']))], ['d'], 'and later ones at once');
  });

  it('makes the next job the probe when one ends otherwise, and holds all when refused for credits', async () => {
    const gate = new ProbeGate();
    gate.close();
    const passed = await passing(gate, ['a', 'b', 'c']);
    gate.ended('a', 'other');
    await settle();
    assert.deepEqual([...passed], ['a', 'b']);
    gate.ended('b', 'no_credits');
    await settle();
    assert.deepEqual([...passed], ['a', 'b'], 'c waits for the next resume');
    gate.close();
    await settle();
    assert.deepEqual([...passed], ['a', 'b', 'c'], 'which makes c the probe');
  });

  it('open lets every held job through', async () => {
    const gate = new ProbeGate();
    gate.close();
    const passed = await passing(gate, ['a', 'b']);
    gate.open();
    await settle();
    assert.equal(passed.size, 2);
  });
});

describe('QueuePause', () => {
  function pauseWith(kept?: string) {
    const saved: Array<string | undefined> = [];
    const calls: string[] = [];
    const told: string[] = [];
    const pause = new QueuePause({
      queue: { pause: () => calls.push('pause'), resume: () => calls.push('resume') },
      load: () => kept,
      save: (text) => saved.push(text),
      now: () => new Date('2026-12-06T12:00:00Z'),
      onPaused: (state) => told.push(state.cause),
    });
    return { pause, saved, calls, told };
  }

  it('keeps a pause, pauses once, and resume clears what it kept', () => {
    const { pause, saved, calls, told } = pauseWith();
    assert.equal(pause.state, undefined);
    pause.pause('insufficient_credits');
    pause.pause('no_api_key');
    assert.deepEqual(told, ['insufficient_credits'], 'the first cause stands');
    const reason = (pause.state as { reason: string } | undefined)?.reason;
    assert.match(reason ?? '', /HTTP 402/);
    assert.deepEqual(JSON.parse(saved[0]!), {
      cause: 'insufficient_credits',
      reason,
      since: '2026-12-06T12:00:00.000Z',
    });
    assert.equal(pause.resume(), true);
    assert.equal(pause.resume(), false);
    assert.deepEqual(saved.slice(1), [undefined]);
    assert.deepEqual(calls, ['pause', 'resume']);
  });

  it('starts paused from what an earlier daemon kept, without telling anyone again', () => {
    const kept = JSON.stringify({
      cause: 'no_api_key',
      reason: 'old text',
      since: '2026-12-01T00:00:00.000Z',
    });
    const { pause, calls, told } = pauseWith(kept);
    assert.equal(pause.state?.cause, 'no_api_key');
    assert.match(pause.state?.reason ?? '', /No OpenRouter API key is set/, "today's text for the cause");
    assert.deepEqual(calls, ['pause']);
    assert.deepEqual(told, []);
  });

  it('ignores a damaged record', () => {
    for (const kept of ['{', '{"cause": "bored"}', 'null'])
      assert.equal(pauseWith(kept).pause.state, undefined);
  });

  it('a job refused for credits pauses the queue', () => {
    const { pause, told } = pauseWith();
    pause.jobEnded('a', 'succeeded');
    assert.equal(pause.state, undefined);
    pause.jobEnded('b', 'no_credits');
    assert.deepEqual(told, ['insufficient_credits']);
  });
});
