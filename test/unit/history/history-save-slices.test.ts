/**
 * A save of the rows of a large batch applies them in slices, letting the event loop take turns in
 * between, and still writes every row. So many rows go to the change log first: the save is done
 * once they are appended, and they reach the database afterwards.
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { changeLogPath } from '../../../daemon/history/change-log';
import { HistoryStore, type HistoryStoreOptions } from '../../../daemon/history/history-store';
import { minimalJob } from '../../support/job-fixtures';
import { sqlJs } from '../../support/sql-js';
import { tempDir } from './history-test-helpers';

const ROWS = 10_000;

/** Waits turn by turn until no row waits; returns the rows waiting at each turn. */
async function turnsUntilApplied(store: HistoryStore): Promise<number[]> {
  const seen: number[] = [];
  while (store.stats().pendingRows > 0) {
    await new Promise((resolve) => setImmediate(resolve));
    seen.push(store.stats().pendingRows);
  }
  return seen;
}

describe('history saves of many rows', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let file: string;
  const stores: HistoryStore[] = [];

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    file = join(dir, '.appgen', 'history.sqlite');
  });

  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close().catch(() => undefined);
    await cleanup();
  });

  async function open(options: Partial<HistoryStoreOptions> = {}): Promise<HistoryStore> {
    const store = await HistoryStore.open({ file, sqlJs: await sqlJs(), saveDelayMs: 60_000, ...options });
    stores.push(store);
    return store;
  }

  async function recordBatch(store: HistoryStore): Promise<void> {
    await store.flush(); // the new file's schema
    for (let i = 0; i < ROWS; i++)
      store.upsertJob(minimalJob({ id: `job-${i}`, batchId: 'b', appNum: i + 1 }));
  }

  function assertEveryRow(store: HistoryStore): void {
    const jobs = store.listJobs({ batchId: 'b' });
    assert.equal(jobs.length, ROWS);
    assert.deepEqual(
      jobs.map((job) => job.appNum).sort((a, b) => a - b),
      Array.from({ length: ROWS }, (_, i) => i + 1),
    );
  }

  it('applies 10,000 rows over several turns of the event loop before a whole write', async () => {
    const store = await open({ checkpoint: { appendFirstRows: Number.POSITIVE_INFINITY } });
    await recordBatch(store);
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
      seen.some((pending) => pending > 0 && pending < ROWS),
      `other work ran between slices (rows pending at each turn: ${[...new Set(seen)].join(', ')})`,
    );
    assert.equal(store.stats().pendingRows, 0);
    assert.equal(store.stats().checkpoints, 2, 'the schema, then the rows, written whole');
    await store.close();
    assertEveryRow(await open());
  });

  it('answers a flush of 10,000 rows once the change log holds them, and applies them after, turn by turn', async () => {
    const store = await open();
    await recordBatch(store);
    await store.flush();
    assert.equal(store.stats().checkpoints, 1, 'only the schema was written whole');
    assert.ok(store.stats().logBytes > 0, 'the rows are in the change log');
    const waiting = store.stats().pendingRows;
    assert.ok(waiting > 0, 'the rows are not all in the database when the flush is answered');
    assert.equal(store.getJob('job-9999')?.appNum, 10_000, 'a waiting row is read as it will be');

    const seen = await turnsUntilApplied(store);
    assert.ok(
      seen.some((pending) => pending > 0 && pending < waiting),
      `other work ran between slices (rows waiting at each turn: ${[...new Set(seen)].join(', ')})`,
    );
    assertEveryRow(store);
  });

  it('holds logged rows back from the database while a client is being sent a backlog', async () => {
    let backedUp = true;
    const store = await open({ outputBackedUp: () => backedUp });
    await recordBatch(store);
    await store.flush();
    const waiting = store.stats().pendingRows;
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setTimeout(resolve, 1));
    assert.ok(
      store.stats().pendingRows >= waiting - 200,
      `at most the first slices went in (${waiting} then ${store.stats().pendingRows})`,
    );
    backedUp = false;
    await turnsUntilApplied(store);
    assertEveryRow(store);
  });

  it('lets a reader wait for waiting rows a slice per turn instead of applying them all at once', async () => {
    // The rows wait (a client is being sent a backlog), then a request reads the history.
    const store = await open({ outputBackedUp: () => true });
    await recordBatch(store);
    await store.flush();
    assert.ok(store.stats().pendingRows > 1000);
    let turns = 0;
    let counting = true;
    const count = (): void => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    await store.caughtUp();
    counting = false;
    assert.ok(store.stats().pendingRows <= 100, `${store.stats().pendingRows} rows still wait`);
    assert.ok(turns > 10, `other work ran between slices (${turns} turns)`);
    assertEveryRow(store);
  });

  it('keeps every row of a flush answered from the change log when the daemon dies before they are applied', async () => {
    const store = await open();
    await recordBatch(store);
    await store.flush();
    assert.ok(store.stats().pendingRows > 0);
    assert.ok(existsSync(changeLogPath(file)));
    // No close: the process is gone, the rows never reached the database file.
    stores.splice(stores.indexOf(store), 1);
    assertEveryRow(await open());
  });

  it('applies rows logged and then changed again with their latest state', async () => {
    const store = await open();
    await recordBatch(store);
    await store.flush();
    for (let i = 0; i < ROWS; i += 2) {
      store.upsertJob(minimalJob({ id: `job-${i}`, batchId: 'b', appNum: i + 1, status: 'cancelled' }));
    }
    await store.flush();
    await turnsUntilApplied(store);
    const cancelled = store.listJobs({ batchId: 'b', status: 'cancelled' });
    assert.equal(cancelled.length, ROWS / 2);
    assert.equal(store.listJobs({ batchId: 'b' }).length, ROWS);
    await store.close();
    const reopened = await open();
    assert.equal(reopened.listJobs({ batchId: 'b', status: 'cancelled' }).length, ROWS / 2);
  });
});
