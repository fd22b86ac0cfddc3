/**
 * A save of the rows of a large batch applies them in slices, letting the event loop take turns in
 * between, and still writes every row.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { HistoryStore } from '../../../daemon/history/history-store';
import { minimalJob } from '../../support/job-fixtures';
import { sqlJs } from '../../support/sql-js';
import { tempDir } from './history-test-helpers';

describe('history saves of many rows', () => {
  it('applies 10,000 rows over several turns of the event loop, every row written and readable', async () => {
    const { dir, cleanup } = await tempDir();
    const file = join(dir, '.appgen', 'history.sqlite');
    const store = await HistoryStore.open({ file, sqlJs: await sqlJs(), saveDelayMs: 60_000 });
    try {
      await store.flush(); // the new file's schema
      for (let i = 0; i < 10_000; i++)
        store.upsertJob(minimalJob({ id: `job-${i}`, batchId: 'b', appNum: i + 1 }));
      let saved = false;
      const saving = store.flush().then(() => {
        saved = true;
      });
      const seen: number[] = [];
      while (!saved) {
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(store.stats().pendingRows);
      }
      await saving;
      assert.ok(
        seen.some((pending) => pending > 0 && pending < 10_000),
        `other work ran between slices (rows pending at each turn: ${[...new Set(seen)].join(', ')})`,
      );
      assert.equal(store.stats().pendingRows, 0);
      await store.close();
      const reopened = await HistoryStore.open({ file, sqlJs: await sqlJs() });
      const jobs = reopened.listJobs({ batchId: 'b' });
      assert.equal(jobs.length, 10_000);
      assert.deepEqual(
        jobs.map((job) => job.appNum).sort((a, b) => a - b),
        Array.from({ length: 10_000 }, (_, i) => i + 1),
      );
      await reopened.close();
    } finally {
      await store.close().catch(() => undefined);
      await cleanup();
    }
  });
});
