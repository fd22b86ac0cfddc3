import * as assert from 'node:assert/strict';
import { JobStore } from '../../../extension/job-store';
import { makeJob } from './job-fixtures';

describe('job store', () => {
  it('keeps the newer copy when an older one arrives later', () => {
    const store = new JobStore();
    store.upsert('f', makeJob({ id: 'a', status: 'running', revision: 3 }));
    store.upsert('f', makeJob({ id: 'a', status: 'queued', revision: 1 }));
    assert.equal(store.jobs('f')[0]?.status, 'running');
  });

  it('takes a newer copy, and copies without revisions as before', () => {
    const store = new JobStore();
    store.upsert('f', makeJob({ id: 'a', status: 'running', revision: 2 }));
    store.upsert('f', makeJob({ id: 'a', status: 'succeeded', revision: 5 }));
    assert.equal(store.jobs('f')[0]?.status, 'succeeded');
    store.upsert('f', makeJob({ id: 'b', status: 'queued' }));
    store.upsert('f', makeJob({ id: 'b', status: 'running' }));
    assert.equal(store.find('b')?.job.status, 'running');
  });
});
