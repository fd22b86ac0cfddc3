import assert from 'node:assert/strict';
import { manifestText, manifestWithCheck } from '../../daemon/app-manifest';
import { readManifest } from '../../shared/app-manifest';
import type { JobCheck } from '../../shared/job';

const job = {
  id: 'job-1',
  model: 'openai/gpt-4o',
  modelSlug: 'openai_gpt-4o',
  templateSlug: 'crud_todo_list',
  appNum: 3,
};
const check: JobCheck = {
  verdict: 'partial',
  score: 0.5,
  endpointsOk: 2,
  endpointsTotal: 4,
  problems: 1,
  levels: ['static'],
  checkedAt: '2026-12-06T10:00:00.000Z',
};

describe('app manifest', () => {
  it('names the job, its model and template, and leaves out what the job did not have', () => {
    const manifest = readManifest(manifestText(job, { createdAt: '2026-12-06T09:00:00.000Z' }));
    assert.deepEqual(manifest, {
      manifestVersion: 1,
      model: 'openai/gpt-4o',
      modelSlug: 'openai_gpt-4o',
      template: 'crud_todo_list',
      templateSlug: 'crud_todo_list',
      appNum: 3,
      jobId: 'job-1',
      components: ['backend', 'frontend'],
      createdAt: '2026-12-06T09:00:00.000Z',
    });
  });

  it('takes a finished check of its own job as its summary', () => {
    const text = manifestText(
      { ...job, batchId: 'b-1' },
      { createdAt: 'T', promptHash: 'abc', generationIds: ['g1'] },
    );
    const updated = readManifest(manifestWithCheck(text, 'job-1', check));
    assert.deepEqual(updated?.check, check);
    assert.equal(updated?.batchId, 'b-1');
    assert.equal(updated?.promptHash, 'abc');
  });

  it('changes nothing for a running check, another job, or a missing or damaged manifest', () => {
    const text = manifestText(job, { createdAt: 'T' });
    assert.equal(manifestWithCheck(text, 'job-1', { verdict: 'running', checkedAt: 'T' }), undefined);
    assert.equal(manifestWithCheck(text, 'job-2', check), undefined);
    assert.equal(manifestWithCheck(undefined, 'job-1', check), undefined);
    assert.equal(manifestWithCheck('{not json', 'job-1', check), undefined);
    assert.equal(manifestWithCheck('[1]', 'job-1', check), undefined);
  });
});
