import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CheckService, type CheckServiceDeps } from '../../../daemon/checks/check-service';
import type { PythonCompileResult } from '../../../daemon/checks/python-syntax';
import { createLogger } from '../../../daemon/logger';
import { parseTemplate } from '../../../daemon/templates/template';
import type { Job } from '../../../shared/job';
import type { ChecksProgress } from '../../../shared/protocol';
import { minimalJob } from '../../support/job-fixtures';

const FIXTURES = resolve(__dirname, '../../fixtures/apps');
const TEMPLATE = (() => {
  const parsed = parseTemplate(
    readFileSync(resolve(__dirname, '../../../daemon/templates/builtin/crud_todo_list.json'), 'utf8'),
    'crud_todo_list.json',
  );
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.template;
})();

/** A workspace whose apps are copies of fixture apps, and a service over jobs kept in memory. */
function setUp(overrides: Partial<CheckServiceDeps> = {}) {
  const workspace = mkdtempSync(join(tmpdir(), 'check-service-'));
  const jobs = new Map<string, Job>();
  const changes: Job[] = [];
  const progress: ChecksProgress[] = [];
  const batchesChecked: string[] = [];
  const listeners = new Set<() => void>();
  const compiled: number[] = [];
  const deps: CheckServiceDeps = {
    workspace,
    findTemplate: async (slug) => (slug === TEMPLATE.slug ? TEMPLATE : undefined),
    withAppLock: (_key, fn) => fn(),
    compilePython: async (files): Promise<PythonCompileResult> => {
      compiled.push(files.length);
      return { status: 'ran', findings: [], version: '3.x' };
    },
    now: () => new Date('2026-01-02T03:04:05.000Z'),
    clock: () => 0,
    getJob: (id) => jobs.get(id),
    updateJob: (id, patch) => {
      const job = { ...jobs.get(id)!, ...patch };
      if (patch.check === undefined && 'check' in patch) delete job.check;
      jobs.set(id, job);
      changes.push(job);
      for (const listener of [...listeners]) listener();
      return job;
    },
    listJobs: (batchId) => [...jobs.values()].filter((job) => job.batchId === batchId),
    batchChecks: () => undefined,
    autoStatic: () => true,
    concurrency: () => 2,
    onProgress: (p) => progress.push(p),
    onBatchChecked: (batchId) => batchesChecked.push(batchId),
    log: createLogger(() => undefined),
    ...overrides,
  };
  const service = new CheckService(deps);
  const addApp = (id: string, fixture: string, fields: Partial<Job> = {}): Job => {
    const appNum = jobs.size + 1;
    const job = minimalJob({
      id,
      status: 'succeeded',
      appNum,
      appPath: `apps/m/app${appNum}`,
      modelSlug: 'm',
      ...fields,
    });
    cpSync(join(FIXTURES, fixture), join(workspace, job.appPath), { recursive: true });
    jobs.set(id, job);
    return job;
  };
  /** Resolves once the job's check has ended. */
  const ended = (id: string) =>
    new Promise<Job>((resolveJob) => {
      const look = () => {
        const check = jobs.get(id)?.check;
        if (check && check.verdict !== 'running') {
          listeners.delete(look);
          resolveJob(jobs.get(id)!);
        }
      };
      listeners.add(look);
      look();
    });
  /** Resolves with the first change (past or future) that matches. */
  const changed = (predicate: (job: Job) => boolean) =>
    new Promise<Job>((resolveJob) => {
      const look = () => {
        const found = changes.find(predicate);
        if (found) {
          listeners.delete(look);
          resolveJob(found);
        }
      };
      listeners.add(look);
      look();
    });
  return { service, jobs, changes, progress, batchesChecked, compiled, workspace, addApp, ended, changed };
}

describe('CheckService', () => {
  it('marks the job running at once, then records the verdict and writes the details', async () => {
    const t = setUp();
    t.addApp('j1', 'static-missing-endpoints');
    const marked = t.service.check('j1', undefined);
    assert.deepEqual(marked.check, {
      verdict: 'running',
      levels: ['static'],
      checkedAt: '2026-01-02T03:04:05.000Z',
    });
    const done = await t.ended('j1');
    assert.deepEqual(done.check, {
      verdict: 'partial',
      score: 5 / 6,
      endpointsOk: 5,
      endpointsTotal: 6,
      problems: 0,
      levels: ['static'],
      checkedAt: '2026-01-02T03:04:05.000Z',
    });
    const file = join(t.workspace, '.appgen/checks/m/app1/j1.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const details = JSON.parse(readFileSync(file, 'utf8'));
    assert.deepEqual(details.summary, done.check);
    assert.equal(details.endpoints.length, 6);
    assert.deepEqual(
      details.endpoints.find((e: { implemented: boolean }) => !e.implemented),
      { level: 'static', method: 'DELETE', path: '/api/todos/completed', implemented: false },
    );
  });

  it('refuses a job that is unknown, still queued or running, or wrote no app', () => {
    const t = setUp();
    t.addApp('queued', 'static-passing', { status: 'queued' });
    t.addApp('running', 'static-passing', { status: 'running' });
    t.addApp('failed', 'static-passing', { status: 'failed' });
    t.addApp('cancelled', 'static-passing', { status: 'cancelled' });
    const refused = (id: unknown, message: RegExp) =>
      assert.throws(
        () => t.service.check(id, undefined),
        (error: { code?: string; message: string }) => {
          assert.equal(error.code, 'invalid_params');
          assert.match(error.message, message);
          return true;
        },
      );
    refused('nope', /Unknown job "nope"/);
    refused('', /jobId is required/);
    refused('queued', /Job "queued" is still queued: its app can be checked once the job has succeeded/);
    refused('running', /still running/);
    refused('failed', /Job "failed" failed: it wrote no app to check/);
    refused('cancelled', /was cancelled: it wrote no app to check/);
    assert.throws(() => t.service.check('queued', ['fast']), /unknown check level "fast"/);
    assert.deepEqual(t.changes, [], 'nothing was recorded');
  });

  it('refuses a job whose app a later job replaced, naming that job, and checks the one it holds', async () => {
    const holders = new Map<string, string>();
    const t = setUp({ appHolder: (job) => holders.get(job.appPath) });
    const older = t.addApp('older', 'static-passing');
    t.addApp('newer', 'static-passing', { appPath: older.appPath, appNum: older.appNum });
    holders.set(older.appPath, 'newer');
    assert.throws(
      () => t.service.check('older', undefined),
      (error: { code?: string; message: string }) => {
        assert.equal(error.code, 'invalid_params');
        assert.equal(
          error.message,
          `Job "older" no longer holds ${older.appPath}: job "newer" replaced its app since; check that job instead`,
        );
        return true;
      },
    );
    assert.deepEqual(t.changes, [], 'nothing was recorded on the older job');
    assert.equal(t.service.check('newer', undefined).check?.verdict, 'running');
    assert.equal((await t.ended('newer')).check?.verdict, 'passed');
  });

  it('ends a smoke level skipped, saying why, beside the static one', async () => {
    const t = setUp();
    t.addApp('j1', 'static-passing');
    t.service.check('j1', ['smoke', 'static']);
    const done = await t.ended('j1');
    assert.equal(done.check?.verdict, 'passed');
    assert.deepEqual(done.check?.levels, ['static', 'smoke']);
    assert.equal(done.check?.reason, 'smoke: smoke checks are not available in this build yet');
    t.service.check('j1', ['smoke']);
    assert.equal(t.jobs.get('j1')?.check?.verdict, 'running');
    const smokeOnly = await t.ended('j1');
    assert.deepEqual(smokeOnly.check, {
      verdict: 'skipped',
      reason: 'smoke: smoke checks are not available in this build yet',
      levels: ['smoke'],
      checkedAt: '2026-01-02T03:04:05.000Z',
    });
  });

  it('checks a job that has just succeeded by itself, once, unless turned off', async () => {
    let auto = true;
    const t = setUp({ autoStatic: () => auto });
    const job = t.addApp('j1', 'static-passing');
    t.service.observe(job);
    t.service.observe(job);
    assert.equal(t.jobs.get('j1')?.check, undefined, 'the check starts on the next turn');
    assert.equal((await t.ended('j1')).check?.verdict, 'passed');
    assert.equal(t.changes.filter((j) => j.check?.verdict === 'running').length, 1);
    t.service.observe(t.jobs.get('j1')!); // its own change: nothing more
    auto = false;
    const other = t.addApp('j2', 'static-passing');
    t.service.observe(other);
    await new Promise((r) => setImmediate(r));
    assert.equal(t.jobs.get('j2')?.check, undefined);
  });

  it("takes a batch's checks from its batch file: none, or static and smoke", async () => {
    const t = setUp({ batchChecks: (batchId) => (batchId === 'none' ? [] : ['static', 'smoke']) });
    t.service.observe(t.addApp('j1', 'static-passing', { batchId: 'none' }));
    t.service.observe(t.addApp('j2', 'static-passing', { batchId: 'both' }));
    const checked = await t.ended('j2');
    assert.deepEqual(checked.check?.levels, ['static', 'smoke']);
    assert.equal(t.jobs.get('j1')?.check, undefined);
  });

  it("checks the latest succeeded job of each of a batch's apps, counts progress, and says when all ended", async () => {
    const t = setUp();
    t.addApp('old', 'static-passing', { batchId: 'b', createdAt: '2026-01-01T00:00:00.000Z' });
    t.jobs.set('new', { ...t.jobs.get('old')!, id: 'new', createdAt: '2026-01-01T00:00:01.000Z' });
    t.addApp('broken', 'static-python-syntax', { batchId: 'b' });
    t.addApp('failed', 'static-passing', { batchId: 'b', status: 'failed' });
    t.addApp('elsewhere', 'static-passing', { batchId: 'other' });
    assert.deepEqual(t.service.checkBatch('b', undefined), { checking: 2, jobIds: ['new', 'broken'] });
    const [fresh, broken] = await Promise.all([t.ended('new'), t.ended('broken')]);
    assert.equal(fresh.check?.verdict, 'passed');
    assert.equal(broken.check?.verdict, 'passed', 'the fake compiler finds nothing');
    assert.equal(t.jobs.get('old')?.check, undefined);
    assert.equal(t.jobs.get('elsewhere')?.check, undefined);
    assert.deepEqual(t.progress.at(-1), { batchId: 'b', total: 2, done: 2, running: 0 });
    assert.ok(t.progress.some((p) => p.running > 0));
    assert.deepEqual(t.batchesChecked, ['b']);
    assert.throws(() => t.service.checkBatch('missing', undefined), /Unknown batch "missing"/);
  });

  it('runs at most `concurrency` checks at once', async () => {
    const t = setUp({ concurrency: () => 1 });
    for (const id of ['a', 'b', 'c']) t.addApp(id, 'static-passing', { batchId: 'b' });
    t.service.checkBatch('b', undefined);
    await Promise.all(['a', 'b', 'c'].map((id) => t.ended(id)));
    assert.ok(t.progress.every((p) => p.running <= 1));
    assert.deepEqual(t.progress.at(-1), { batchId: 'b', total: 3, done: 3, running: 0 });
  });

  it('checks again when asked while a check runs, and keeps the latest result', async () => {
    const t = setUp();
    t.addApp('j1', 'static-passing');
    t.service.check('j1', undefined);
    const again = t.service.check('j1', ['static', 'smoke']);
    assert.deepEqual(again.check?.levels, ['static'], 'the check under way goes on');
    await t.changed((job) => job.check?.verdict === 'passed' && job.check.levels?.length === 2);
    assert.deepEqual(
      t.changes.map((j) => `${j.check?.verdict} ${j.check?.levels?.join('+')}`),
      ['running static', 'passed static', 'running static+smoke', 'passed static+smoke'],
    );
  });

  it('on shutdown, lets the checks asked for end first', async () => {
    const t = setUp({ concurrency: () => 1 });
    for (const id of ['a', 'b']) {
      t.addApp(id, 'static-passing');
      t.service.check(id, undefined);
    }
    await t.service.shutdown();
    assert.deepEqual(
      ['a', 'b'].map((id) => t.jobs.get(id)?.check?.verdict),
      ['passed', 'passed'],
    );
    assert.throws(() => t.service.check('a', undefined), /The daemon is stopping/);
  });

  it('on shutdown after the time allowed, gives the jobs whose check had not started their previous check back', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolveGate) => {
      release = resolveGate;
    });
    const t = setUp({
      concurrency: () => 1,
      compilePython: async () => {
        await gate;
        return { status: 'ran', findings: [], version: '3.x' };
      },
    });
    t.addApp('a', 'static-passing');
    const earlier = { verdict: 'partial' as const, score: 0.5, checkedAt: '2025-12-31T00:00:00.000Z' };
    t.addApp('b', 'static-passing', { check: earlier });
    t.addApp('c', 'static-passing');
    for (const id of ['a', 'b', 'c']) t.service.check(id, undefined);
    const stopped = t.service.shutdown(10);
    // Past the time allowed, with the first check held: the others are dropped, the last one last.
    await t.changed((job) => job.id === 'c' && job.check === undefined);
    assert.deepEqual(t.jobs.get('b')?.check, earlier, 'dropped: its previous check is back');
    assert.equal(t.jobs.get('c')?.check, undefined);
    release();
    await stopped;
    assert.equal(t.jobs.get('a')?.check?.verdict, 'passed', 'the running check ended');
  });
});
