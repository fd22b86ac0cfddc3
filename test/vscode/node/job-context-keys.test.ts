import * as assert from 'node:assert/strict';
import { JOB_FILTERS, JobContextKeys } from '../../../extension/job-context-keys';
import { JobStore } from '../../../extension/job-store';
import { makeJob } from './job-fixtures';

const { unfinished, finished, succeeded, called } = JOB_FILTERS;

function harness() {
  const store = new JobStore();
  const calls: [string, boolean][] = [];
  const keys = new JobContextKeys(store, (key, value) => calls.push([key, value]));
  const current = () => Object.fromEntries(calls);
  return { store, calls, keys, current };
}

describe('job context keys', () => {
  it('sets every key to false at start, when the extension knows no job', () => {
    const { calls } = harness();
    assert.deepEqual(
      calls,
      Object.values(JOB_FILTERS).map((filter) => [filter.contextKey, false]),
    );
  });

  it('follows the jobs of every folder as they change', () => {
    const { store, current } = harness();
    store.upsert('a', makeJob({ id: 'q', status: 'queued', attempts: 0 }));
    assert.deepEqual(current(), {
      [unfinished.contextKey]: true,
      [finished.contextKey]: false,
      [succeeded.contextKey]: false,
      [called.contextKey]: false,
    });
    store.upsert('b', makeJob({ id: 'f', status: 'failed', attempts: 1 }));
    assert.equal(current()[finished.contextKey], true);
    assert.equal(current()[called.contextKey], true);
    assert.equal(current()[succeeded.contextKey], false);
    store.upsert('a', makeJob({ id: 'q', status: 'succeeded', attempts: 2, revision: 2 }));
    assert.equal(current()[unfinished.contextKey], false);
    assert.equal(current()[succeeded.contextKey], true);
    store.removeFolder('a');
    store.removeFolder('b');
    assert.ok(Object.values(current()).every((value) => value === false));
  });

  it('sets a key only when its value changes', () => {
    const { store, calls } = harness();
    const before = calls.length;
    store.upsert('a', makeJob({ id: 'r1', status: 'running', attempts: 1 }));
    const afterFirst = calls.length;
    store.upsert('a', makeJob({ id: 'r2', status: 'running', attempts: 1 }));
    assert.equal(calls.length, afterFirst);
    assert.deepEqual(calls.slice(before), [
      [unfinished.contextKey, true],
      [called.contextKey, true],
    ]);
  });

  it('stops following the store once disposed', () => {
    const { store, calls, keys } = harness();
    keys.dispose();
    const before = calls.length;
    store.upsert('a', makeJob({ id: 'x', status: 'queued' }));
    assert.equal(calls.length, before);
  });
});
