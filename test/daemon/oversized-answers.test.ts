import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedRequest, SimStep, Simulator } from '../../daemon/simulator/simulator';
import type { Job } from '../../shared/job';
import { type GenerationHarness, harnessPerTest, TEMPLATE, within } from '../support/generation-harness';
import { listFiles } from '../support/workspace-files';

const MODEL = 'acme/endless';
const MIB = 1024 * 1024;

/** Resolves once the endless reply to `model` has written at least `bytes`. */
function streamed(sim: Simulator, bytes: number): Promise<RecordedRequest> {
  return new Promise((resolve) => {
    const onBody = (record: RecordedRequest): void => {
      if ((record.bodyBytes ?? 0) < bytes) return;
      sim.off('body', onBody);
      resolve(record);
    };
    sim.on('body', onBody);
  });
}

/** Resolves with `record` once its exchange has ended. */
function exchangeEnded(sim: Simulator, record: RecordedRequest): Promise<RecordedRequest> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (record.outcome === undefined) return;
      sim.off('finished', check);
      resolve(record);
    };
    sim.on('finished', check);
    check();
  });
}

/** The daemon's peak resident memory in MB, where /proc tells it. */
function peakRssMb(pid: number): number | undefined {
  const file = `/proc/${pid}/status`;
  if (!existsSync(file)) return undefined;
  const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(file, 'utf8'))?.[1];
  return kb === undefined ? undefined : Number(kb) / 1024;
}

/** Checks a job that failed on an endless answer, and what it left. */
async function assertStoppedAtLimit(h: GenerationHarness, job: Job, limit: number): Promise<void> {
  assert.equal(job.status, 'failed');
  assert.equal(job.error?.code, 'response_too_large', JSON.stringify(job.error));
  assert.match(job.error?.message ?? '', new RegExp(`limit of ${limit} bytes`));
  assert.equal(job.attempts, 1, 'not retried');
  const calls = h.sim.chatRequests.filter((request) => request.model === MODEL);
  assert.equal(calls.length, 1, 'one request');
  const ended = await within(exchangeEnded(h.sim, calls[0]!), 5000, 'the request ending');
  assert.equal(ended.outcome, 'client-closed', 'the daemon closed the connection');
  // Beyond the limit the server wrote only what the connection's buffers took before the abort.
  assert.ok((calls[0]?.bodyBytes ?? 0) < limit + 32 * MIB, `${calls[0]?.bodyBytes} bytes were sent`);
  const kept = listFiles(h.workspace).filter((file) => file.endsWith('.response.txt'));
  assert.equal(kept.length, 1, kept.join(', '));
  const size = statSync(join(h.workspace, kept[0]!)).size;
  assert.ok(size <= 1.1 * MIB, `the raw response artifact is ${size} bytes`);
}

describe('answers that never end', () => {
  const openHarness = harnessPerTest();

  const shapes: Array<{ name: string; step: SimStep; setting: 'env' | 'initialize' }> = [
    {
      name: 'a stream of keep-alive comments',
      step: { kind: 'endless-keep-alives', format: 'sse' },
      setting: 'initialize',
    },
    { name: 'a stream of answer text', step: { kind: 'endless-answer', format: 'sse' }, setting: 'env' },
    {
      name: 'JSON after endless whitespace',
      step: { kind: 'endless-keep-alives', format: 'json' },
      setting: 'initialize',
    },
    {
      name: 'a JSON body whose answer never closes',
      step: { kind: 'endless-answer', format: 'json' },
      setting: 'env',
    },
  ];

  for (const { name, step, setting } of shapes) {
    it(`${name}: stopped at the limit set by ${setting}, the job fails with response_too_large`, async () => {
      const limit = String(MIB);
      const h = await openHarness(setting === 'env' ? { env: { OPENROUTER_MAX_RESPONSE_BYTES: limit } } : {});
      if (setting === 'initialize') await h.daemon.initialize({ config: { maxResponseBytes: limit } });
      h.sim.setModelBehavior(MODEL, { afterFaults: step });
      const job = await h.start({ templateSlug: TEMPLATE, model: MODEL });
      await assertStoppedAtLimit(h, await within(h.finished(job.id), 20_000, 'the job failing'), MIB);
    });
  }

  it('at the default limit the daemon keeps answering while it reads, and stays small', async () => {
    const h = await openHarness();
    // Paced, so that the daemon is still reading when it is asked for its status.
    h.sim.setModelBehavior(MODEL, { afterFaults: { kind: 'endless-answer', format: 'sse', intervalMs: 5 } });
    const job = await h.start({ templateSlug: TEMPLATE, model: MODEL });
    await within(streamed(h.sim, MIB), 10_000, 'the answer streaming');
    for (let i = 0; i < 5; i++) {
      const asked = performance.now();
      await h.status();
      const ms = performance.now() - asked;
      assert.ok(ms < 500, `daemon/status took ${ms.toFixed(0)} ms while the answer streamed`);
    }
    assert.equal(h.sim.chatRequests[0]?.outcome, undefined, 'the answer was still streaming');
    const done = await within(h.finished(job.id), 20_000, 'the job failing');
    await assertStoppedAtLimit(h, done, 8 * MIB);
    const peak = peakRssMb(h.daemon.child.pid!);
    if (peak !== undefined) assert.ok(peak < 300, `the daemon's memory peaked at ${peak.toFixed(0)} MB`);
  });

  it('a daemon killed while reading one resumes the job after a restart and fails it, without crashing', async () => {
    const first = await openHarness({ env: { OPENROUTER_MAX_RESPONSE_BYTES: String(2 * MIB) } });
    first.sim.setModelBehavior(MODEL, {
      afterFaults: { kind: 'endless-answer', format: 'sse', intervalMs: 5 },
    });
    const job = await first.start({ templateSlug: TEMPLATE, model: MODEL });
    await within(streamed(first.sim, 256 * 1024), 10_000, 'the answer streaming');
    await first.daemon.kill();

    const second = await openHarness({
      sim: first.sim,
      workspace: first.workspace,
      env: { OPENROUTER_MAX_RESPONSE_BYTES: String(2 * MIB) },
    });
    const done = await within(second.finished(job.id), 20_000, 'the resumed job failing');
    assert.equal(done.error?.code, 'response_too_large', JSON.stringify(done.error));
    assert.equal((await second.status()).running, 0);
    assert.equal((await second.get(job.id)).status, 'failed');
    assert.equal(second.daemon.child.exitCode, null, 'the new daemon runs on');
  });
});
