/**
 * History store benchmark: insert N jobs, save, reopen, list the newest 100. Prints a table.
 * Run with `node --import tsx test/bench/history-bench.ts [N ...]`; not part of the tests.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { HistoryStore } from '../../daemon/history/history-store';
import { loadSqlJs } from '../../daemon/history/load-sql-js';
import type { Job } from '../../shared/job';

export interface HistoryBenchRow {
  jobs: number;
  /** Upserting every job, in memory. */
  insertMs: number;
  insertUsPerJob: number;
  /** One save of the whole database (export + atomic replace). */
  saveMs: number;
  /** The save spread over the jobs it wrote. */
  saveUsPerJob: number;
  fileMb: number;
  /** Opening the saved file (read, integrity check, migration check). */
  openMs: number;
  /** `listJobs({ limit: 100 })`, the history view's query. */
  list100Ms: number;
  /** `listJobs({ limit: 100, model })` on one of ten models. */
  list100ByModelMs: number;
  rssMb: number;
}

const MODELS = Array.from({ length: 10 }, (_, i) => `vendor${i}/model-${i}`);

function benchJob(i: number, start: number): Job {
  const model = MODELS[i % MODELS.length]!;
  const created = new Date(start + i * 1000).toISOString();
  return {
    id: `bench-${i}`,
    batchId: `batch-${Math.floor(i / 100)}`,
    templateSlug: `template_${i % 30}`,
    model,
    modelSlug: model.replace(/[^A-Za-z0-9._-]/g, '_'),
    appNum: Math.floor(i / MODELS.length) + 1,
    appPath: `generated/apps/${model.replace('/', '_')}/app${Math.floor(i / MODELS.length) + 1}`,
    status: i % 7 === 0 ? 'failed' : 'succeeded',
    attempts: 1 + (i % 3),
    files: ['backend/app.py', 'backend/requirements.txt', 'frontend/src/App.jsx', 'frontend/package.json'],
    usage: { promptTokens: 1500 + i, completionTokens: 4000 + i, costUsd: 0.01 },
    createdAt: created,
    startedAt: created,
    finishedAt: new Date(start + i * 1000 + 900).toISOString(),
    ...(i % 7 === 0
      ? { error: { code: 'upstream' as const, message: 'HTTP 502 from the provider', status: 502 } }
      : {}),
  };
}

function timed<T>(run: () => T): [T, number] {
  const started = performance.now();
  const result = run();
  return [result, performance.now() - started];
}

async function timedAsync<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await run();
  return [result, performance.now() - started];
}

/** Runs the benchmark for each size and returns (and prints) one row per size. */
export async function runHistoryBench(
  sizes: number[] = [1_000, 10_000, 100_000],
): Promise<HistoryBenchRow[]> {
  const sqlJs = await loadSqlJs(join(dirname(require.resolve('sql.js')), 'sql-wasm.wasm'));
  const rows: HistoryBenchRow[] = [];
  for (const jobs of sizes) {
    const dir = await mkdtemp(join(tmpdir(), 'appgen-history-bench-'));
    try {
      const file = join(dir, 'history.sqlite');
      const store = await HistoryStore.open({ file, sqlJs, saveDelayMs: 3_600_000 });
      await store.flush();
      const start = Date.UTC(2025, 0, 1);
      const [, insertMs] = timed(() => {
        for (let i = 0; i < jobs; i++) store.upsertJob(benchJob(i, start));
      });
      const [, saveMs] = await timedAsync(() => store.flush());
      await store.close();
      const [reopened, openMs] = await timedAsync(() => HistoryStore.open({ file, sqlJs }));
      const [newest, list100Ms] = timed(() => reopened.listJobs({ limit: 100 }));
      const [byModel, list100ByModelMs] = timed(() => reopened.listJobs({ limit: 100, model: MODELS[3] }));
      if (newest.length !== Math.min(100, jobs) || byModel.length !== Math.min(100, Math.ceil(jobs / 10))) {
        throw new Error('the benchmark read back the wrong number of jobs');
      }
      rows.push({
        jobs,
        insertMs,
        insertUsPerJob: (insertMs * 1000) / jobs,
        saveMs,
        saveUsPerJob: (saveMs * 1000) / jobs,
        fileMb: (await stat(file)).size / 1e6,
        openMs,
        list100Ms,
        list100ByModelMs,
        rssMb: process.memoryUsage().rss / 1e6,
      });
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  printTable(rows);
  return rows;
}

function printTable(rows: HistoryBenchRow[]): void {
  const round = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(2));
  console.table(
    rows.map((row) => ({
      jobs: row.jobs,
      'insert ms': round(row.insertMs),
      'insert µs/job': round(row.insertUsPerJob),
      'save ms': round(row.saveMs),
      'save µs/job': round(row.saveUsPerJob),
      'file MB': round(row.fileMb),
      'open ms': round(row.openMs),
      'list 100 ms': round(row.list100Ms),
      'list 100 by model ms': round(row.list100ByModelMs),
      'RSS MB': round(row.rssMb),
    })),
  );
}

if (require.main === module) {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  runHistoryBench(sizes.length > 0 ? sizes : undefined).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
