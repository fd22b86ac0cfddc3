import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { DaemonError } from '../../../daemon/daemon-error';
import { HistoryStore } from '../../../daemon/history/history-store';
import type { Job } from '../../../shared/job';
import { fullJob, minimalJob } from '../../support/job-fixtures';
import { sqlJs } from '../../support/sql-js';
import { tempDir } from './history-test-helpers';

const T0 = Date.UTC(2025, 1, 9, 10, 0, 0);
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

describe('HistoryStore', () => {
  let SQL: SqlJsStatic;
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: HistoryStore;
  let clock: Date;

  const open = () =>
    HistoryStore.open({
      file: join(dir, '.appgen', 'history.sqlite'),
      sqlJs: SQL,
      now: () => clock,
      saveDelayMs: 60_000,
    });

  before(async () => {
    SQL = await sqlJs();
  });
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    clock = new Date(T0);
    store = await open();
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  describe('jobs', () => {
    it('round-trips every job field', () => {
      const job = fullJob();
      store.upsertJob(job);
      assert.deepEqual(store.getJob(job.id), job);
    });

    it('round-trips every job field through the file', async () => {
      const job = fullJob();
      store.upsertJob(job);
      await store.close();
      store = await open();
      assert.deepEqual(store.getJob(job.id), job);
    });

    it('returns a minimal job with no null or undefined fields', () => {
      store.upsertJob(minimalJob());
      const read = store.getJob('job-1')!;
      assert.deepEqual(read, minimalJob());
      assert.deepEqual(Object.keys(read).sort(), Object.keys(minimalJob()).sort());
      assert.ok(Object.values(read).every((value) => value !== null && value !== undefined));
    });

    it('keeps fields beyond the columns, such as later extensions', () => {
      const job = { ...minimalJob(), reviewScore: 7, tags: ['a'] } as Job;
      store.upsertJob(job);
      assert.deepEqual(store.getJob('job-1'), job);
    });

    it('replaces a job by id and drops fields the new version no longer has', () => {
      store.upsertJob(fullJob({ id: 'j' }));
      const next = minimalJob({ id: 'j', status: 'running', phase: 'backend', attempts: 1 });
      store.upsertJob(next);
      assert.deepEqual(store.getJob('j'), next);
      assert.equal(store.listJobs().length, 1);
    });

    it('keeps usage without a cost and an error without a status', () => {
      const job = minimalJob({
        status: 'failed',
        error: { code: 'no_code', message: 'no code block' },
        usage: { promptTokens: 0, completionTokens: 0 },
      });
      store.upsertJob(job);
      assert.deepEqual(store.getJob(job.id), job);
    });

    it('normalises the timestamps it is given', () => {
      store.upsertJob(
        minimalJob({ createdAt: '2025-02-09 12:00:00+02:00', startedAt: '2025-02-09 10:00:01' }),
      );
      const read = store.getJob('job-1')!;
      assert.equal(read.createdAt, '2025-02-09T10:00:00.000Z');
      assert.equal(read.startedAt, '2025-02-09T10:00:01.000Z');
    });

    it('answers undefined for an unknown id', () => {
      assert.equal(store.getJob('nope'), undefined);
    });
  });

  describe('listJobs', () => {
    beforeEach(() => {
      const jobs: Array<Partial<Job>> = [
        {
          id: 'a',
          createdAt: at(0),
          model: 'openai/gpt-4o',
          modelSlug: 'openai_gpt-4o',
          status: 'succeeded',
        },
        {
          id: 'b',
          createdAt: at(2),
          model: 'anthropic/claude',
          modelSlug: 'anthropic_claude',
          status: 'failed',
        },
        { id: 'c', createdAt: at(1), templateSlug: 'api_url_shortener', status: 'failed', batchId: 'b1' },
        { id: 'd', createdAt: at(2), batchId: 'b1', status: 'running' },
        { id: 'e', createdAt: at(3), model: 'openai_gpt-4o', modelSlug: 'openai_gpt-4o', status: 'queued' },
      ];
      for (const job of jobs) store.upsertJob(minimalJob(job));
    });
    const ids = (jobs: Job[]) => jobs.map((job) => job.id);

    it('lists newest first, ties in reverse recording order', () => {
      assert.deepEqual(ids(store.listJobs()), ['e', 'd', 'b', 'c', 'a']);
    });

    it('keeps a job in its place when it is updated', () => {
      store.upsertJob(minimalJob({ id: 'b', createdAt: at(2), status: 'succeeded' }));
      assert.deepEqual(ids(store.listJobs()), ['e', 'd', 'b', 'c', 'a']);
    });

    it('limits the count', () => {
      assert.deepEqual(ids(store.listJobs({ limit: 2 })), ['e', 'd']);
      assert.deepEqual(ids(store.listJobs({ limit: 0 })), []);
    });

    it('refuses a limit that is not a whole number of 0 or more', () => {
      for (const limit of [-1, 1.5, Number.NaN]) {
        assert.throws(
          () => store.listJobs({ limit }),
          (error: unknown) => error instanceof DaemonError && error.code === 'invalid_params',
        );
      }
    });

    it('filters by model slug, matching every id with that slug', () => {
      assert.deepEqual(ids(store.listJobs({ model: 'openai_gpt-4o' })), ['e', 'd', 'c', 'a']);
    });

    it('filters by model id, matching only that id', () => {
      assert.deepEqual(ids(store.listJobs({ model: 'openai/gpt-4o' })), ['d', 'c', 'a']);
      assert.deepEqual(ids(store.listJobs({ model: 'anthropic/claude' })), ['b']);
    });

    it('filters by template, status and batch, together', () => {
      assert.deepEqual(ids(store.listJobs({ templateSlug: 'api_url_shortener' })), ['c']);
      assert.deepEqual(ids(store.listJobs({ status: 'failed' })), ['b', 'c']);
      assert.deepEqual(ids(store.listJobs({ batchId: 'b1' })), ['d', 'c']);
      assert.deepEqual(ids(store.listJobs({ batchId: 'b1', status: 'failed', model: 'openai/gpt-4o' })), [
        'c',
      ]);
      assert.deepEqual(ids(store.listJobs({ batchId: 'none' })), []);
    });

    it('lists unfinished jobs oldest first', () => {
      store.upsertJob(minimalJob({ id: 'f', createdAt: at(-5), status: 'queued' }));
      assert.deepEqual(ids(store.listUnfinished()), ['f', 'd', 'e']);
    });
  });

  describe('app numbers and ports', () => {
    it('reports the highest app number per model slug, 0 when none', () => {
      assert.equal(store.maxAppNum('openai_gpt-4o'), 0);
      store.upsertJob(minimalJob({ id: 'x', appNum: 3 }));
      store.upsertJob(minimalJob({ id: 'y', appNum: 7 }));
      store.upsertJob(minimalJob({ id: 'z', appNum: 9, modelSlug: 'other' }));
      assert.equal(store.maxAppNum('openai_gpt-4o'), 7);
      assert.equal(store.maxAppNum('other'), 9);
    });

    it('keeps the highest app number through later records, taken-back jobs and a reopen', async () => {
      store.upsertJob(minimalJob({ id: 'x', appNum: 3 }));
      assert.equal(store.maxAppNum('openai_gpt-4o'), 3);
      store.upsertJob(minimalJob({ id: 'y', appNum: 12 }));
      store.upsertJob(minimalJob({ id: 'z', appNum: 5, modelSlug: 'new_model' }));
      assert.equal(store.maxAppNum('openai_gpt-4o'), 12, 'a record after the first question counts');
      assert.equal(store.maxAppNum('new_model'), 5);
      store.forgetJobs(['y']);
      assert.equal(store.maxAppNum('openai_gpt-4o'), 3, 'a job taken back no longer counts');
      await store.close();
      store = await open();
      assert.equal(store.maxAppNum('openai_gpt-4o'), 3);
      assert.equal(store.maxAppNum('new_model'), 5);
    });

    it('allocates ports from 5001 and 8001 up, once per app', () => {
      assert.deepEqual(store.portsFor('m', 1), { backend: 5001, frontend: 8001 });
      assert.deepEqual(store.portsFor('m', 2), { backend: 5002, frontend: 8002 });
      assert.deepEqual(store.portsFor('n', 1), { backend: 5003, frontend: 8003 });
      assert.deepEqual(store.portsFor('m', 1), { backend: 5001, frontend: 8001 });
    });

    it('keeps ports across restarts', async () => {
      const first = store.portsFor('m', 4);
      store.portsFor('m', 5);
      await store.close();
      store = await open();
      assert.deepEqual(store.portsFor('m', 4), first);
      assert.deepEqual(store.portsFor('m', 6), { backend: 5003, frontend: 8003 });
    });

    it('never gives one port to two apps, even when the ranges meet', () => {
      const seen = new Set<number>();
      for (let n = 1; n <= 3100; n++) {
        const { backend, frontend } = store.portsFor('m', n);
        assert.ok(!seen.has(backend) && !seen.has(frontend), `app${n} got a port already in use`);
        seen.add(backend);
        seen.add(frontend);
      }
    });
  });

  describe('app ports past the last pair', () => {
    it('gives the 30,001st app and later ones the ports of an earlier app, the same pair each time and after a restart', async function () {
      this.timeout(120_000); // 30,000 apps are recorded first
      for (let n = 1; n <= 30_000; n++) store.portsFor('m', n);
      const late = store.portsFor('late', 1);
      assert.ok(late.backend >= 5001 && late.frontend <= 65535);
      assert.deepEqual(store.portsFor('late', 1), late, 'the same pair when asked again');
      const others = Array.from({ length: 50 }, (_, i) => store.portsFor('late', i + 2));
      assert.ok(new Set(others.map((p) => p.backend)).size > 40, 'spread over the earlier apps');
      await store.close();
      store = await open();
      assert.deepEqual(store.portsFor('late', 1), late, 'and after a restart');
      assert.deepEqual(
        store.portsFor('m', 17),
        { backend: 5017, frontend: 8017 },
        'the earlier apps keep theirs',
      );
    });
  });

  describe('batches', () => {
    it('records a batch and updates it', () => {
      store.recordBatch({
        id: 'b1',
        configPath: 'appgen.batch.json',
        createdAt: '2025-02-09 10:00:00',
        options: { repeat: 2 },
      });
      assert.deepEqual(store.getBatch('b1'), {
        id: 'b1',
        configPath: 'appgen.batch.json',
        createdAt: '2025-02-09T10:00:00.000Z',
        options: { repeat: 2 },
      });
      store.recordBatch({ id: 'b1', createdAt: at(0), finishedAt: at(5) });
      assert.deepEqual(store.getBatch('b1'), { id: 'b1', createdAt: at(0), finishedAt: at(5) });
      assert.equal(store.getBatch('b2'), undefined);
    });
  });

  describe('lifecycle', () => {
    it('refuses use after close', async () => {
      await store.close();
      assert.throws(() => store.upsertJob(minimalJob()), /closed/);
      assert.throws(() => store.listJobs(), /closed/);
      await store.close();
      store = await open();
    });

    it('needs a wasm path or an engine', async () => {
      await assert.rejects(HistoryStore.open({ file: join(dir, 'x.sqlite') }), /wasmPath or sqlJs/);
    });
  });
});
