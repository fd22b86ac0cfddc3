/**
 * Time in the workspace's history: every timestamp a client receives is ISO-8601 UTC ending in "Z",
 * and a database an older version wrote with naive, offset or epoch timestamps is migrated when the
 * daemon opens it, losing no row.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqlValue } from 'sql.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../daemon/history/migrations';
import type { Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import { waitFinished } from '../support/daemon-process';
import { daemonWorkspace } from '../support/daemon-workspace';
import { historyFile } from '../support/history-file';
import { sqlJs } from '../support/sql-js';

const UTC_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const TIME_FIELDS = ['createdAt', 'startedAt', 'finishedAt', 'retryAt'] as const;
/** 2025-02-09 10:00:00 UTC, written the ways older versions and other tools wrote it. */
const SAME_INSTANT = '2025-02-09T10:00:00.000Z';
const WRITTEN_FORMS: Array<[string, SqlValue]> = [
  ['naive', '2025-02-09 10:00:00'],
  ['offset', '2025-02-09T12:00:00+02:00'],
  ['epoch-seconds', 1739095200],
  ['epoch-millis', '1739095200000'],
];

function assertUtcTimes(job: Job, where: string): void {
  for (const field of TIME_FIELDS) {
    const value = job[field];
    if (value !== undefined) assert.match(value, UTC_Z, `${where}: ${field} of job ${job.id}`);
  }
}

/** A history database as schema version 1 left it, one finished job per way of writing the time. */
async function writeVersion1Database(file: string): Promise<void> {
  const SQL = await sqlJs();
  const db = new SQL.Database();
  try {
    MIGRATIONS[0]!.up(db);
    db.exec('PRAGMA user_version = 1');
    WRITTEN_FORMS.forEach(([name, written], index) => {
      db.run(
        `INSERT INTO jobs (id, template_slug, model, model_slug, app_num, app_path, status, attempts,
           created_at, started_at, finished_at, updated_at)
         VALUES (?, 'crud_todo_list', 'openai/gpt-4o', 'openai_gpt-4o', ?, ?, ?, 2, ?, ?, ?, ?)`,
        [
          `v1-${name}`,
          index + 1,
          `generated/apps/openai_gpt-4o/app${index + 1}`,
          index % 2 === 0 ? 'succeeded' : 'failed',
          written,
          written,
          written,
          written,
        ],
      );
    });
    db.run("INSERT INTO batches (id, config_path, created_at) VALUES ('v1-batch', 'appgen.batch.json', ?)", [
      '2025-02-09 10:00:00',
    ]);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, db.export());
  } finally {
    db.close();
  }
}

describe('workspace: timestamps in the history', () => {
  const ws = daemonWorkspace('appgen-times-');

  it('ends every timestamp of every Job it returns or announces in Z', async () => {
    const daemon = ws.spawn({ OPENROUTER_BACKOFF_BASE_MS: '5' });
    await daemon.initialize();
    // A flaky model's first attempt fails, so the job also passes through a retry wait (retryAt).
    const started = await daemon.connection.sendRequest(P.GenerationStartRequest, {
      templateSlug: 'crud_todo_list',
      model: 'sim/flaky',
    });
    assertUtcTimes(started, 'generation/start');
    const finished = await waitFinished(daemon, started.id, 8000);
    assert.equal(finished.status, 'succeeded');
    assert.ok(
      daemon.changes.some((job) => job.retryAt !== undefined),
      'a retry wait was announced with its end time',
    );
    for (const job of daemon.changes) assertUtcTimes(job, 'generation/changed');
    assertUtcTimes(await daemon.connection.sendRequest(P.GenerationGetRequest, { jobId: started.id }), 'get');
    for (const job of await daemon.connection.sendRequest(P.GenerationListRequest, {})) {
      assertUtcTimes(job, 'generation/list');
    }
    const history = await daemon.connection.sendRequest(P.HistoryListRequest, {});
    for (const job of history) assertUtcTimes(job, 'history/list');
    assert.ok(history[0]?.startedAt && history[0].finishedAt, 'a finished job has start and finish times');
  });

  it('migrates a version-1 database with naive, offset and epoch timestamps on start, keeping every row', async () => {
    const file = historyFile(ws.workspace);
    await writeVersion1Database(file);
    const daemon = ws.spawnOffline();
    await daemon.initialize();

    const history = await daemon.connection.sendRequest(P.HistoryListRequest, {});
    assert.deepEqual(
      history.map((job) => job.id).sort(),
      WRITTEN_FORMS.map(([name]) => `v1-${name}`).sort(),
      'every row is kept',
    );
    for (const job of history) {
      assert.equal(job.createdAt, SAME_INSTANT, `createdAt of ${job.id}`);
      assert.equal(job.startedAt, SAME_INSTANT, `startedAt of ${job.id}`);
      assert.equal(job.finishedAt, SAME_INSTANT, `finishedAt of ${job.id}`);
    }
    assert.equal(
      (await daemon.connection.sendRequest(P.GenerationGetRequest, { jobId: 'v1-epoch-seconds' })).createdAt,
      SAME_INSTANT,
    );

    await daemon.connection.sendRequest(P.ShutdownRequest, {});
    assert.equal(await daemon.exited, 0);
    const SQL = await sqlJs();
    const db = new SQL.Database(readFileSync(file));
    try {
      assert.equal(
        db.exec('PRAGMA user_version')[0]?.values[0]?.[0],
        SCHEMA_VERSION,
        'saved at the new version',
      );
      const stored =
        db.exec('SELECT created_at, started_at, finished_at, updated_at FROM jobs')[0]?.values ?? [];
      assert.equal(stored.length, WRITTEN_FORMS.length);
      for (const value of stored.flat()) assert.match(String(value), UTC_Z);
      const batch = db.exec('SELECT created_at FROM batches')[0]?.values ?? [];
      assert.deepEqual(batch, [[SAME_INSTANT]]);
    } finally {
      db.close();
    }
  });

  it('leaves a migrated database as it is on the next start', async () => {
    const file = historyFile(ws.workspace);
    await writeVersion1Database(file);
    let daemon = ws.spawnOffline();
    await daemon.initialize();
    const first = await daemon.connection.sendRequest(P.HistoryListRequest, {});
    await daemon.connection.sendRequest(P.ShutdownRequest, {});
    await daemon.exited;

    daemon = ws.spawnOffline();
    await daemon.initialize();
    assert.deepEqual(await daemon.connection.sendRequest(P.HistoryListRequest, {}), first);
    assert.doesNotMatch(daemon.stderr(), /history database migrated/);
  });
});
