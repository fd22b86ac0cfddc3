import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SimStep } from '../../daemon/simulator/simulator';
import type { Job } from '../../shared/job';
import { type GenerationHarness, harnessPerTest, MODEL, TEMPLATE } from '../support/generation-harness';
import { TEST_API_KEY } from '../support/sim-env';
import { filesContaining, readText } from '../support/workspace-files';

/** Runs one job whose first model call attempts meet `faults`. */
async function failWith(h: GenerationHarness, faults: SimStep[]): Promise<Job> {
  h.sim.enqueueFaults(faults);
  const job = await h.start({ templateSlug: TEMPLATE, model: MODEL, options: { temperature: 0.3 } });
  return h.finished(job.id);
}

/** The three artifact files of a job's backend call. */
function backendArtifacts(h: GenerationHarness, job: Job) {
  const folder = join(h.workspace, job.artifactsPath ?? 'missing');
  const base = `${job.id}.backend`;
  return {
    request: JSON.parse(readText(folder, `${base}.request.json`)) as {
      model: string;
      messages: { role: string; content: string }[];
      temperature?: number;
    },
    meta: JSON.parse(readText(folder, `${base}.meta.json`)) as {
      model: string;
      error: { code: string; message: string; status?: number };
      attempts: number;
      durationMs: number;
    },
    response: readText(folder, `${base}.response.txt`),
  };
}

describe('artifacts of failed model calls', () => {
  const openHarness = harnessPerTest();

  it('keeps the request and metadata of a call whose connection was reset, with an empty response', async () => {
    const h = await openHarness({ env: { OPENROUTER_MAX_RETRIES: '0' } });
    const job = await failWith(h, ['reset']);
    assert.equal(job.status, 'failed');
    assert.equal(job.error?.code, 'network');

    const kept = backendArtifacts(h, job);
    assert.equal(kept.request.model, MODEL);
    assert.deepEqual(
      kept.request.messages.map((m) => m.role),
      ['system', 'user'],
    );
    assert.deepEqual(kept.request.messages, (h.sim.chatRequests[0]!.body as typeof kept.request).messages);
    assert.equal(kept.request.temperature, 0.3);
    assert.equal(kept.meta.model, MODEL);
    assert.equal(kept.meta.error.code, 'network');
    assert.equal(kept.meta.error.message, job.error?.message);
    assert.equal(kept.meta.attempts, 1);
    assert.equal(typeof kept.meta.durationMs, 'number');
    assert.equal(kept.response, '');
    assert.equal(
      existsSync(join(h.workspace, job.artifactsPath!, `${job.id}.frontend.request.json`)),
      false,
      'the frontend was never called',
    );

    await h.close();
    assert.deepEqual(filesContaining(h.workspace, TEST_API_KEY), [], 'the key is in no file');
  });

  it('keeps them for a call that timed out on every attempt, counting the attempts', async () => {
    const h = await openHarness({ env: { OPENROUTER_MAX_RETRIES: '1', OPENROUTER_TIMEOUT_MS: '300' } });
    const job = await failWith(h, ['stall', 'stall']);
    assert.equal(job.status, 'failed');
    assert.equal(job.error?.code, 'timeout');
    const kept = backendArtifacts(h, job);
    assert.equal(kept.request.model, MODEL);
    assert.equal(kept.meta.error.code, 'timeout');
    assert.equal(kept.meta.attempts, 2);
    assert.ok(kept.meta.durationMs >= 300, 'the duration covers the attempts');
    assert.equal(kept.response, '');
  });
});
