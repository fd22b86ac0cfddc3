import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { AppLocks } from '../../daemon/app-locks';
import { AppStore } from '../../daemon/app-store';
import { ArtifactStore } from '../../daemon/artifacts';
import { GenerationService } from '../../daemon/generation-service';
import { HistoryStore } from '../../daemon/history/history-store';
import { JobQueue } from '../../daemon/job-queue';
import { createLogger } from '../../daemon/logger';
import { openRouterProvider } from '../../daemon/openrouter/openrouter-provider';
import { parseTemplate, type Template } from '../../daemon/templates/template';
import type { Job } from '../../shared/job';
import { sqlJs } from '../support/sql-js';
import { tempDir } from './history/history-test-helpers';

function template(): Template {
  const result = parseTemplate(
    JSON.stringify({ slug: 'crud_todo_list', name: 'Todo List' }),
    'crud_todo_list.json',
  );
  if (!result.ok) throw new Error(result.reason);
  return result.template;
}

const ENOSPC = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

describe('GenerationService', () => {
  let SQL: SqlJsStatic;
  let dir: string;
  let cleanup: () => Promise<void>;
  const stores: HistoryStore[] = [];

  before(async () => {
    SQL = await sqlJs();
  });
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close().catch(() => undefined);
    await cleanup();
  });

  /** A service on a real history in `dir` whose file writes fail while `disk.full` is set. */
  async function serviceOnDisk(disk: { full: boolean }) {
    const store = await HistoryStore.open({
      file: join(dir, '.appgen', 'history.sqlite'),
      sqlJs: SQL,
      saveDelayMs: 60_000,
      writeFile: async (file, data) => {
        if (disk.full) throw ENOSPC();
        const { atomicWriteFile } = await import('../../daemon/history/atomic-write-file');
        await atomicWriteFile(file, data);
      },
    });
    stores.push(store);
    const calls: string[] = [];
    const changes: Job[] = [];
    let id = 0;
    const service = new GenerationService({
      workspace: dir,
      store,
      queue: new JobQueue({ enabled: true, maxConcurrent: 4 }),
      log: createLogger(() => undefined),
      outputDir: () => 'generated/apps',
      findTemplate: async (slug) => (slug === 'crud_todo_list' ? template() : undefined),
      newId: () => `job-${++id}`,
      onChanged: (job) => changes.push(job),
      callModel: async (request) => {
        calls.push(request.model);
        // Held: these tests are about recording, not about running.
        return new Promise(() => undefined);
      },
      provider: openRouterProvider,
      appStore: new AppStore(dir, join(dir, '.appgen')),
      artifacts: new ArtifactStore(dir, (text) => text),
      locks: new AppLocks(() => 60_000),
      now: () => new Date(),
    });
    return { store, service, calls, changes };
  }

  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('leaves no job behind when a start cannot be saved, so none runs after a restart', async () => {
    const disk = { full: true };
    const { store, service, calls, changes } = await serviceOnDisk(disk);
    const refused = await service.start({ templateSlug: 'crud_todo_list', model: 'openai/gpt-4o' }).then(
      () => assert.fail('the start must fail'),
      (error: Error) => error,
    );
    await settle();
    assert.deepEqual(store.listJobs(), [], 'nothing recorded in memory');
    assert.deepEqual(service.counts(), { queued: 0, running: 0 }, 'nothing queued');
    assert.deepEqual(calls, [], 'no model called');
    assert.deepEqual(changes, [], 'nothing announced');
    assert.match(refused.message, /Saving the history .*history\.sqlite failed: ENOSPC/);
    assert.match(refused.message, /The job was not recorded and nothing was started/);

    // Space comes back: a later start is saved, and the refused job is not saved with it.
    disk.full = false;
    const accepted = await service.start({ templateSlug: 'crud_todo_list', model: 'openai/gpt-4o' });
    await store.close();
    const reopened = await HistoryStore.open({ file: join(dir, '.appgen', 'history.sqlite'), sqlJs: SQL });
    stores.push(reopened);
    assert.deepEqual(
      reopened.listUnfinished().map((job) => job.id),
      [accepted.id],
      'after a restart only the accepted job is there to resume',
    );
  });

  it('leaves none of a batch behind when its jobs cannot be saved', async () => {
    const disk = { full: true };
    const { store, service, calls } = await serviceOnDisk(disk);
    const jobs = [
      await service.prepare({ templateSlug: 'crud_todo_list', model: 'openai/gpt-4o' }, { batchId: 'b1' }),
      await service.prepare({ templateSlug: 'crud_todo_list', model: 'openai/gpt-4o' }, { batchId: 'b1' }),
    ];
    await assert.rejects(service.enqueueAll(jobs), /The 2 jobs were not recorded and nothing was started/);
    await settle();
    assert.deepEqual(store.listJobs(), []);
    assert.deepEqual(calls, []);
    disk.full = false;
    await store.flush();
    assert.deepEqual(store.listJobs(), []);
  });

  it('saves the app’s ports with the job it starts, so a job resumed after a crash sends the same prompts', async () => {
    const { service } = await serviceOnDisk({ full: false });
    const job = await service.start({ templateSlug: 'crud_todo_list', model: 'openai/gpt-4o' });
    // The file as a crash right after the reply would leave it.
    const { readFileSync } = await import('node:fs');
    const db = new SQL.Database(readFileSync(join(dir, '.appgen', 'history.sqlite')));
    try {
      const rows = db.exec('SELECT model_slug, app_num, backend_port, frontend_port FROM app_ports')[0]
        ?.values;
      assert.deepEqual(rows, [[job.modelSlug, job.appNum, 5001, 8001]]);
    } finally {
      db.close();
    }
  });

  it('numbers a new app after the highest app on disk, never reusing a folder made by hand', async () => {
    const { mkdirSync } = await import('node:fs');
    const models = join(dir, 'generated', 'apps', 'openai_gpt-4o');
    // app4 made by hand; the others are no app numbers (a commit under way, a name AppGen never gives).
    for (const name of ['app4', '.appgen-staging-job-0', 'app007', 'app4.old'])
      mkdirSync(join(models, name), { recursive: true });
    mkdirSync(join(dir, 'generated', 'apps', 'anthropic_claude', 'app9'), { recursive: true });
    const { service } = await serviceOnDisk({ full: false });
    const prepare = () => service.prepare({ templateSlug: 'crud_todo_list', model: 'openai/gpt-4o' });
    const first = await prepare();
    assert.equal(first.appNum, 5);
    assert.equal(first.appPath, 'generated/apps/openai_gpt-4o/app5');
    assert.equal(first.artifactsPath, '.appgen/artifacts/openai_gpt-4o/app5');
    assert.equal((await prepare()).appNum, 6, 'numbers handed out count before their folders exist');
  });
});
