import assert from 'node:assert/strict';
import { existsSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import { tempWorkspace } from '../support/daemon-process';
import {
  checkEnded,
  type GenerationHarness,
  harnessPerTest,
  MODEL,
  TEMPLATE,
} from '../support/generation-harness';
import { expectInvalidParams } from '../support/invalid-params';

const checked = (h: GenerationHarness, jobId: string) => checkEnded(h, jobId);

function manifestOf(h: GenerationHarness, job: Job): Record<string, unknown> {
  return JSON.parse(readFileSync(join(h.workspace, job.appPath, 'appgen.json'), 'utf8'));
}

describe('the app manifest, appgen.json (daemon process)', function () {
  this.timeout(60_000);
  const openHarness = harnessPerTest();

  it('a committed app says which model, template, job, batch, prompts and calls made it, and when', async () => {
    const h = await openHarness();
    writeFileSync(
      join(h.workspace, 'appgen.batch.json'),
      JSON.stringify({ models: [MODEL], templates: [TEMPLATE] }),
    );
    const { batchId, jobs } = await h.daemon.connection.sendRequest(P.BatchStartRequest, {});
    const job = await h.finished(jobs[0]!.id);
    assert.equal(job.status, 'succeeded');
    const manifest = manifestOf(h, job);
    assert.equal(manifest.model, MODEL);
    assert.equal(manifest.modelSlug, job.modelSlug);
    assert.equal(manifest.template, TEMPLATE);
    assert.equal(manifest.templateSlug, TEMPLATE);
    assert.equal(manifest.appNum, job.appNum);
    assert.equal(manifest.jobId, job.id);
    assert.equal(manifest.batchId, batchId);
    assert.equal(manifest.promptHash, job.promptHash);
    assert.match(String(manifest.promptHash), /^[0-9a-f]{64}$/);
    assert.deepEqual(manifest.generationIds, job.generationIds);
    assert.equal((manifest.generationIds as string[]).length, 2, 'one per call');
    assert.deepEqual(manifest.components, ['backend', 'frontend']);
    assert.match(String(manifest.createdAt), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(String(manifest.createdAt) >= job.createdAt);
    assert.equal(manifest.check, undefined, 'no check ran');
    assert.ok(!job.files?.includes('appgen.json'), "the manifest is AppGen's, not one of the job's files");
    assert.ok(!job.files?.includes('.appgen-commits.json'));
  });

  it("takes the summary of the app's check, and only for the version that job made", async () => {
    const h = await openHarness({ env: { APPGEN_CHECKS_STATIC: 'true' } });
    const first = await h.start({ templateSlug: TEMPLATE, model: MODEL });
    const done = await checked(h, first.id);
    const summary = manifestOf(h, done).check as Record<string, unknown>;
    assert.equal(summary.verdict, done.check?.verdict);
    assert.equal(summary.score, done.check?.score);
    assert.equal(summary.endpointsTotal, done.check?.endpointsTotal);
    assert.equal(summary.checkedAt, done.check?.checkedAt);

    // The same app made again: its manifest is the new job's. The old job's code is gone from the
    // folder, so a check in its name is refused, naming the new job, and changes nothing.
    const again = await h.start({ templateSlug: TEMPLATE, model: MODEL, appNum: done.appNum });
    const redone = await checked(h, again.id);
    assert.equal(manifestOf(h, redone).jobId, again.id);
    const before = readFileSync(join(h.workspace, redone.appPath, 'appgen.json'), 'utf8');
    const refused = await expectInvalidParams(
      h.daemon.connection.sendRequest(P.AppCheckRequest, { jobId: first.id, levels: ['static'] }),
    );
    assert.match(
      refused.message,
      new RegExp(`no longer holds ${redone.appPath}: job "${again.id}" replaced`),
    );
    assert.deepEqual((await h.get(first.id)).check, done.check, "the old job keeps its own code's check");
    assert.equal(readFileSync(join(h.workspace, redone.appPath, 'appgen.json'), 'utf8'), before);
  });

  it('a frontend made again names the new job and its one component', async () => {
    const h = await openHarness();
    const first = await h.finished((await h.start({ templateSlug: TEMPLATE, model: MODEL })).id);
    const second = await h.finished(
      (
        await h.start({
          templateSlug: TEMPLATE,
          model: MODEL,
          appNum: first.appNum,
          components: ['frontend'],
        })
      ).id,
    );
    assert.equal(second.status, 'succeeded');
    const manifest = manifestOf(h, second);
    assert.equal(manifest.jobId, second.id);
    assert.deepEqual(manifest.components, ['frontend']);
    assert.equal((manifest.generationIds as string[]).length, 1);
  });

  it('an answer naming appgen.json cannot forge the manifest', async () => {
    const h = await openHarness();
    h.sim.setModelBehavior(MODEL, {
      content: () =>
        [
          '```python',
          'from flask import Flask',
          'app = Flask(__name__)',
          '```',
          '',
          '```json appgen.json',
          '{"model": "someone/else", "jobId": "forged"}',
          '```',
          '',
        ].join('\n'),
    });
    const job = await h.finished((await h.start({ templateSlug: TEMPLATE, model: MODEL })).id);
    assert.equal(job.status, 'succeeded');
    // A component's paths stay in its folder: the answer's file is the backend's, not the manifest.
    assert.match(readFileSync(join(h.workspace, job.appPath, 'backend/appgen.json'), 'utf8'), /forged/);
    const manifest = manifestOf(h, job);
    assert.equal(manifest.jobId, job.id);
    assert.equal(manifest.model, MODEL);
  });

  it('a link planted where the manifest is makes a check write nothing through it', async () => {
    const h = await openHarness();
    const job = await h.finished((await h.start({ templateSlug: TEMPLATE, model: MODEL })).id);
    const outside = join(tempWorkspace('appgen-outside-'), 'target.json');
    writeFileSync(outside, 'untouched');
    const manifest = join(h.workspace, job.appPath, 'appgen.json');
    unlinkSync(manifest);
    symlinkSync(outside, manifest);
    await h.daemon.connection.sendRequest(P.AppCheckRequest, { jobId: job.id, levels: ['static'] });
    await checked(h, job.id);
    assert.equal(readFileSync(outside, 'utf8'), 'untouched');
    assert.ok(existsSync(manifest));
  });
});
