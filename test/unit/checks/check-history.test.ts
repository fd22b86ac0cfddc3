import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { HistoryStore } from '../../../daemon/history/history-store';
import type { JobCheck } from '../../../shared/job';
import { fullJob, minimalJob } from '../../support/job-fixtures';
import { sqlJs } from '../../support/sql-js';
import { tempDir } from '../history/history-test-helpers';

const CHECK: JobCheck = {
  verdict: 'partial',
  score: 5 / 6,
  endpointsOk: 5,
  endpointsTotal: 6,
  problems: 2,
  reason: 'Python files were not compiled: no python3 found',
  levels: ['static'],
  checkedAt: '2026-01-02T03:04:05.000Z',
};

describe('a job check in the history', () => {
  it('is kept with the job through the file, and jobs recorded without one read back unchanged', async () => {
    const SQL = await sqlJs();
    const { dir, cleanup } = await tempDir();
    const file = join(dir, '.appgen', 'history.sqlite');
    const open = () => HistoryStore.open({ file, sqlJs: SQL, saveDelayMs: 60_000 });
    try {
      // A history as it was before checks: jobs without one.
      let store = await open();
      const before = [minimalJob({ id: 'plain', status: 'succeeded' }), fullJob({ id: 'full' })];
      for (const job of before) store.upsertJob(job);
      await store.close();

      store = await open();
      assert.deepEqual(store.getJob('plain'), before[0]);
      assert.deepEqual(store.getJob('full'), before[1]);
      store.upsertJob({ ...before[0]!, check: CHECK });
      await store.close();

      store = await open();
      assert.deepEqual(store.getJob('plain'), { ...before[0], check: CHECK });
      assert.deepEqual(store.getJob('full'), before[1]);
      const { check: _removed, ...withoutCheck } = store.getJob('plain')!;
      store.upsertJob(withoutCheck);
      assert.deepEqual(store.getJob('plain'), before[0], 'a check taken away is gone');
      await store.close();
    } finally {
      await cleanup();
    }
  });
});
