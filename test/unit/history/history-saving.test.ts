import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { DaemonError } from '../../../daemon/daemon-error';
import { type AtomicWriteOps, atomicWriteFile } from '../../../daemon/history/atomic-write-file';
import { HistoryStore, type HistoryStoreOptions } from '../../../daemon/history/history-store';
import { loadSqlJs } from '../../../daemon/history/load-sql-js';
import { SCHEMA_VERSION } from '../../../daemon/history/migrations';
import { SaveScheduler } from '../../../daemon/history/save-scheduler';
import { hasSqliteCli } from '../../support/history-file';
import { minimalJob } from '../../support/job-fixtures';
import { sqlJs } from '../../support/sql-js';
import { deferred, FakeTimers, tempDir } from './history-test-helpers';

const NOW = new Date(Date.UTC(2025, 1, 9, 10, 0, 0));

/**
 * Lets the event loop turn until `done` holds. Real file writes finish in their own time, which a
 * busy machine stretches: the turns are bounded by a generous deadline, not by their number.
 */
async function until(done: () => boolean): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!done() && performance.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(done(), 'the awaited state was never reached');
}

describe('history saving', () => {
  let SQL: SqlJsStatic;
  let dir: string;
  let cleanup: () => Promise<void>;
  let file: string;
  const stores: HistoryStore[] = [];

  async function open(options: Partial<HistoryStoreOptions> = {}): Promise<HistoryStore> {
    const store = await HistoryStore.open({
      file,
      sqlJs: SQL,
      now: () => NOW,
      saveDelayMs: 60_000,
      ...options,
    });
    stores.push(store);
    return store;
  }

  before(async () => {
    SQL = await sqlJs();
  });
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    file = join(dir, '.appgen', 'history.sqlite');
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close().catch(() => undefined);
    await cleanup();
  });

  describe('grouping', () => {
    it('writes a burst of 10,000 upserts in one save when the timer fires', async () => {
      const timers = new FakeTimers();
      const writes: Uint8Array[] = [];
      const store = await open({
        timers,
        saveDelayMs: 250,
        writeFile: async (_file, data) => {
          writes.push(data);
        },
        // Whole, as a small file is: so many rows would otherwise go to the change log first.
        checkpoint: { appendFirstRows: Number.POSITIVE_INFINITY },
      });
      await store.flush(); // the new file's schema
      writes.length = 0;
      for (let i = 0; i < 10_000; i++) store.upsertJob(minimalJob({ id: `job-${i}`, appNum: i + 1 }));
      assert.equal(writes.length, 0, 'nothing is written while changes gather');
      assert.deepEqual(timers.delays, [250], 'one timer for the whole burst');
      timers.fireAll();
      await store.flush();
      assert.equal(writes.length, 1);
      const saved = new SQL.Database(writes[0]);
      assert.deepEqual(saved.exec('SELECT count(*) FROM jobs')[0]?.values, [[10_000]]);
      saved.close();
      assert.equal(store.stats().saves, 2);
    });

    it('does not write when nothing changed', async () => {
      let writes = 0;
      const store = await open({
        writeFile: async () => {
          writes++;
        },
      });
      await store.flush();
      await store.flush();
      await store.flush();
      assert.equal(writes, 1);
      store.getJob('x');
      store.listJobs();
      await store.flush();
      assert.equal(writes, 1, 'reads do not make the store dirty');
    });

    it('arms a new timer for changes made after a save', async () => {
      const timers = new FakeTimers();
      const store = await open({ timers, writeFile: async () => undefined });
      await store.flush();
      assert.equal(timers.armed, 0, 'a flush disarms the timer');
      store.upsertJob(minimalJob());
      assert.equal(timers.armed, 1);
    });

    it('keeps changes owed after a failed save and writes them on the next flush', async () => {
      let fail = true;
      const writes: Uint8Array[] = [];
      const store = await open({
        writeFile: async (_file, data) => {
          if (fail) throw new Error('disk full');
          writes.push(data);
        },
      });
      store.upsertJob(minimalJob());
      await assert.rejects(store.flush(), /disk full/);
      assert.equal(store.stats().dirty, true);
      fail = false;
      await store.flush();
      assert.equal(writes.length, 1);
      assert.equal(store.stats().dirty, false);
    });

    it('logs a failed timer save instead of leaving an unhandled rejection', async () => {
      const timers = new FakeTimers();
      const messages: string[] = [];
      let failures = 0;
      const store = await open({
        timers,
        log: (message) => messages.push(message),
        writeFile: async () => {
          failures++;
          throw new Error('read-only file system');
        },
      });
      timers.fireAll();
      // A flush queues behind the failed timer save, whose error is logged by then; it fails too.
      await assert.rejects(store.flush(), /read-only file system/);
      assert.equal(failures, 2);
      assert.deepEqual(
        messages.filter((m) => m.startsWith('history save failed')),
        ['history save failed; the changes stay in memory and the save is tried again'],
      );
    });

    it('tries a failed save of a finished job again with backoff, without any further change, until it is written', async () => {
      const timers = new FakeTimers();
      const logs: Array<{ message: string; fields?: Record<string, unknown> }> = [];
      const writes: Uint8Array[] = [];
      let failuresLeft = 3;
      const store = await open({
        timers,
        log: (message, fields) => logs.push({ message, fields }),
        writeFile: async (_file, data) => {
          if (failuresLeft-- > 0)
            throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
          writes.push(data);
        },
      });
      store.upsertJob(minimalJob({ id: 'done', status: 'succeeded' }));
      await assert.rejects(store.saveSoon(), /Saving the history .*history\.sqlite failed: ENOSPC/);
      const retries: number[] = [];
      while (writes.length === 0) {
        assert.equal(timers.armed, 1, 'a retry is armed while the save is owed');
        retries.push(...timers.delays);
        timers.fireAll();
        // The retry's save runs on its own; it ends with a write or with the next retry armed.
        await until(() => writes.length > 0 || timers.armed > 0);
      }
      assert.deepEqual(retries, [1000, 2000, 4000], 'each wait twice the one before');
      const saved = new SQL.Database(writes[0]);
      assert.deepEqual(saved.exec("SELECT status FROM jobs WHERE id = 'done'")[0]?.values, [['succeeded']]);
      saved.close();
      assert.equal(store.stats().dirty, false);
      assert.equal(timers.armed, 0, 'nothing more to try once it is written');
      const failed = logs.filter((entry) => entry.message.startsWith('history save failed'));
      assert.equal(failed.length, 3, 'every failure is logged');
      assert.deepEqual(
        failed.map((entry) => entry.fields?.retryInMs),
        [1000, 2000, 4000],
      );
      assert.match(String(failed[0]?.fields?.reason), /ENOSPC/);
    });

    it('forgets jobs whose save failed, so that a later save does not write them', async () => {
      let fail = true;
      const writes: Uint8Array[] = [];
      const store = await open({
        writeFile: async (_file, data) => {
          if (fail) throw new Error('ENOSPC: no space left on device');
          writes.push(data);
        },
      });
      store.upsertJob(minimalJob({ id: 'kept', appNum: 1 }));
      store.upsertJob(minimalJob({ id: 'refused', appNum: 2 }));
      await assert.rejects(store.flush(), /ENOSPC/);
      store.forgetJobs(['refused']);
      assert.equal(store.getJob('refused'), undefined);
      fail = false;
      await store.flush();
      const saved = new SQL.Database(writes.at(-1));
      assert.deepEqual(saved.exec('SELECT id FROM jobs')[0]?.values, [['kept']]);
      saved.close();
    });

    it('never runs two saves at once and ends with the latest state written', async () => {
      const gate = deferred();
      const firstStarted = deferred();
      let inFlight = 0;
      let maxInFlight = 0;
      const writes: Uint8Array[] = [];
      const store = await open({
        writeFile: async (_file, data) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          firstStarted.resolve();
          await gate.promise;
          writes.push(data);
          inFlight--;
        },
      });
      store.upsertJob(minimalJob({ id: 'first' }));
      const a = store.flush();
      await firstStarted.promise;
      // Changed while the first save is being written: it needs a save of its own.
      store.upsertJob(minimalJob({ id: 'second' }));
      const b = store.flush();
      const c = store.flush();
      gate.resolve();
      await Promise.all([a, b, c]);
      assert.equal(maxInFlight, 1);
      assert.equal(writes.length, 2, 'the second and third flush share one save');
      const ids = (data: Uint8Array) => {
        const db = new SQL.Database(data);
        const values = db.exec('SELECT id FROM jobs ORDER BY id')[0]?.values.map((row) => row[0]);
        db.close();
        return values;
      };
      assert.deepEqual(ids(writes[0]!), ['first']);
      assert.deepEqual(ids(writes[1]!), ['first', 'second']);
    });

    it('saves pending changes on close', async () => {
      const store = await open();
      store.upsertJob(minimalJob({ id: 'kept' }));
      await store.close();
      const reopened = await open();
      assert.equal(reopened.getJob('kept')?.id, 'kept');
    });
  });

  describe('SaveScheduler', () => {
    it('starts one save per timer period however many changes arrive', async () => {
      const timers = new FakeTimers();
      let saves = 0;
      const scheduler = new SaveScheduler({
        delayMs: 100,
        timers,
        onError: () => assert.fail('no error expected'),
        save: async () => {
          saves++;
        },
      });
      for (let i = 0; i < 50; i++) scheduler.markDirty();
      assert.equal(timers.armed, 1);
      timers.fireAll();
      await scheduler.flush();
      assert.equal(saves, 1);
    });
  });

  describe('atomic replace', () => {
    const tempFiles = async () => (await readdir(dir)).filter((name) => name.endsWith('.tmp'));

    it('replaces the content and leaves no temporary file', async () => {
      const target = join(dir, 'data.bin');
      await writeFile(target, 'old');
      await atomicWriteFile(target, new TextEncoder().encode('new'));
      assert.equal(await readFile(target, 'utf8'), 'new');
      assert.deepEqual(await tempFiles(), []);
    });

    for (const failAt of ['write', 'sync', 'rename'] as const) {
      it(`leaves the old content when the ${failAt} step fails`, async () => {
        const target = join(dir, 'data.bin');
        await writeFile(target, 'old');
        const { open, rename, unlink } = await import('node:fs/promises');
        const ops: AtomicWriteOps = {
          unlink,
          rename: async (from, to) => {
            if (failAt === 'rename') throw new Error('crash before rename');
            return rename(from, to);
          },
          open: (async (path: string, flags: string) => {
            const handle = await open(path, flags);
            if (flags !== 'wx') return handle;
            return Object.assign(Object.create(handle), {
              writeFile: async (data: Uint8Array) => {
                // Half the data reaches the disk before the crash.
                await handle.writeFile(data.subarray(0, 1));
                if (failAt === 'write') throw new Error('crash during write');
                await handle.writeFile(data.subarray(1));
              },
              sync: async () => {
                if (failAt === 'sync') throw new Error('crash during sync');
                return handle.sync();
              },
              close: () => handle.close(),
            });
          }) as AtomicWriteOps['open'],
        };
        await assert.rejects(atomicWriteFile(target, new TextEncoder().encode('new content'), ops), /crash/);
        assert.equal(await readFile(target, 'utf8'), 'old');
        assert.deepEqual(await tempFiles(), []);
      });
    }

    it('saves the store through a file the sqlite3 command line can read', async function () {
      if (!hasSqliteCli()) this.skip(); // the CLI is not installed on this machine
      const store = await open();
      for (let i = 1; i <= 3; i++) store.upsertJob(minimalJob({ id: `j${i}`, appNum: i }));
      await store.flush();
      const run = (sql: string) => execFileSync('sqlite3', [file, sql], { encoding: 'utf8' }).trim();
      assert.equal(run('select count(*) from jobs'), '3');
      assert.equal(run('pragma user_version'), String(SCHEMA_VERSION));
      assert.equal(run("select created_at from jobs where id = 'j2'"), '2025-02-09T10:00:00.000Z');
      assert.equal(run('pragma integrity_check'), 'ok');
    });
  });

  describe('unreadable files', () => {
    it('moves a file that is not SQLite aside, logs it, and starts a new database', async () => {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(dir, '.appgen'));
      await writeFile(
        file,
        'this is not a database, it is a shopping list: eggs, milk, bread, and more padding text',
      );
      const logs: Array<{ message: string; fields?: Record<string, unknown> }> = [];
      const store = await open({ log: (message, fields) => logs.push({ message, fields }) });
      const aside = join(dir, '.appgen', 'history.sqlite.corrupt-2025-02-09T10-00-00-000Z');
      assert.equal(store.movedAside, aside);
      assert.match(await readFile(aside, 'utf8'), /shopping list/);
      const entry = logs.find((l) => l.message.includes('moved it aside'));
      assert.equal(entry?.fields?.movedTo, aside);
      assert.deepEqual(store.listJobs(), []);
      store.upsertJob(minimalJob());
      await store.flush();
      const reread = new SQL.Database(await readFile(file));
      assert.deepEqual(reread.exec('SELECT id FROM jobs')[0]?.values, [['job-1']]);
      reread.close();
    });

    it('moves a truncated database aside, keeping an earlier one moved aside at the same time', async () => {
      const store = await open();
      for (let i = 0; i < 500; i++) store.upsertJob(minimalJob({ id: `job-${i}`, files: ['x'.repeat(200)] }));
      await store.close();
      stores.length = 0;
      const whole = await readFile(file);
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(dir, '.appgen'), { recursive: true });
      await writeFile(`${file}.corrupt-2025-02-09T10-00-00-000Z`, 'an earlier casualty');
      await writeFile(file, whole.subarray(0, Math.floor(whole.length / 2)));

      const reopened = await open();
      assert.equal(reopened.movedAside, `${file}.corrupt-2025-02-09T10-00-00-000Z-2`);
      assert.equal(await readFile(`${file}.corrupt-2025-02-09T10-00-00-000Z`, 'utf8'), 'an earlier casualty');
      assert.equal((await readFile(reopened.movedAside!)).length, Math.floor(whole.length / 2));
      assert.deepEqual(reopened.listJobs(), []);
    });

    it('starts fresh on an empty file without moving anything', async () => {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(dir, '.appgen'));
      await writeFile(file, '');
      const store = await open();
      assert.equal(store.movedAside, undefined);
      assert.deepEqual(await readdir(join(dir, '.appgen')), ['history.sqlite']);
    });
  });

  describe('loading the engine', () => {
    it('fails with a clear error naming a missing wasm file', async () => {
      const missing = join(dir, 'nowhere', 'sql-wasm.wasm');
      await assert.rejects(
        loadSqlJs(missing),
        (error: unknown) =>
          error instanceof DaemonError && error.code === 'internal' && error.message.includes(missing),
      );
      await assert.rejects(HistoryStore.open({ file, wasmPath: missing }), /SQLite engine not found/);
    });

    it('fails with a clear error when the wasm file is not wasm', async () => {
      const bogus = join(dir, 'sql-wasm.wasm');
      await writeFile(bogus, 'not wasm');
      await assert.rejects(loadSqlJs(bogus), /SQLite engine failed to load/);
    });
  });
});
