import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import { APP_MANIFEST_FILE } from '../../shared/workspace-layout';
import {
  checkEnded,
  type GenerationHarness,
  harnessPerTest,
  MODEL,
  TEMPLATE,
} from '../support/generation-harness';
import { historyFile } from '../support/history-file';
import { invalidParams } from '../support/invalid-params';
import { sqlJs } from '../support/sql-js';
import { listFiles } from '../support/workspace-files';

const FIXTURES = resolve(__dirname, '../fixtures/apps');
/** Test daemons check nothing by themselves unless told to (see daemon-process.ts). */
const CHECKS_ON = { APPGEN_CHECKS_STATIC: 'true' };

const checked = checkEnded;

/**
 * Each file of an app with the hash of its bytes; the manifest aside, since a check's summary
 * belongs in it (and is asserted on its own below).
 */
function hashes(folder: string): Record<string, string> {
  return Object.fromEntries(
    listFiles(folder)
      .filter((file) => file !== APP_MANIFEST_FILE)
      .map((file) => [
        file,
        createHash('sha256')
          .update(readFileSync(join(folder, file)))
          .digest('hex'),
      ]),
  );
}

/** Generates an app through the simulator, then replaces its code with a fixture app's. */
async function fixtureApp(h: GenerationHarness, fixture: string): Promise<Job> {
  const job = await h.start({ templateSlug: TEMPLATE, model: MODEL });
  const done = await checked(h, job.id);
  const app = join(h.workspace, done.appPath);
  for (const part of ['backend', 'frontend']) rmSync(join(app, part), { recursive: true, force: true });
  cpSync(join(FIXTURES, fixture), app, { recursive: true });
  return done;
}

describe('app checks (daemon process)', function () {
  this.timeout(60_000);
  const openHarness = harnessPerTest();

  it('checks a job that succeeded by itself, after announcing it succeeded, and keeps the details', async () => {
    const h = await openHarness({ env: CHECKS_ON });
    const job = await h.start({ templateSlug: TEMPLATE, model: MODEL });
    const done = await checked(h, job.id);
    const changes = h.changesOf(job.id);
    const succeededAt = changes.findIndex((c) => c.status === 'succeeded');
    assert.equal(changes[succeededAt]!.check, undefined, 'the job succeeded without waiting for its check');
    assert.equal(changes[succeededAt + 1]!.check?.verdict, 'running');
    assert.deepEqual(done.check, {
      verdict: 'passed',
      score: 1,
      endpointsOk: 6,
      endpointsTotal: 6,
      problems: 0,
      levels: ['static'],
      checkedAt: done.check!.checkedAt,
    });
    assert.match(done.check!.checkedAt, /^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    assert.deepEqual((await h.get(job.id)).check, done.check);
    assert.deepEqual((await h.list())[0]!.check, done.check);
    assert.deepEqual((await h.history())[0]!.check, done.check);

    const details = join(h.workspace, '.appgen/checks/sim_alpha/app1', `${job.id}.json`);
    assert.equal(statSync(details).mode & 0o777, 0o600);
    for (const folder of ['.appgen/checks', '.appgen/checks/sim_alpha', '.appgen/checks/sim_alpha/app1']) {
      assert.equal(statSync(join(h.workspace, folder)).mode & 0o777, 0o700, folder);
    }
    const written = JSON.parse(readFileSync(details, 'utf8'));
    assert.equal(written.jobId, job.id);
    assert.deepEqual(written.summary, done.check);
    assert.deepEqual(
      written.endpoints.map(
        (e: { method: string; path: string; implemented: boolean }) =>
          `${e.method} ${e.path} ${e.implemented}`,
      ),
      [
        'GET /api/todos true',
        'POST /api/todos true',
        'GET /api/todos/<id> true',
        'PATCH /api/todos/<id> true',
        'DELETE /api/todos/<id> true',
        'DELETE /api/todos/completed true',
      ],
    );
    assert.deepEqual(written.findings, []);
  });

  it('checks nothing by itself when APPGEN_CHECKS_STATIC is false', async () => {
    const h = await openHarness({ env: { APPGEN_CHECKS_STATIC: 'false' } });
    const job = await h.start({ templateSlug: TEMPLATE, model: MODEL });
    await h.finished(job.id);
    assert.equal((await h.get(job.id)).check, undefined);
    assert.equal(existsSync(join(h.workspace, '.appgen/checks')), false);
    const asked = await h.daemon.connection.sendRequest(P.AppCheckRequest, { jobId: job.id });
    assert.equal(asked.check?.verdict, 'running');
    assert.equal((await checked(h, job.id)).check?.verdict, 'passed');
  });

  it('checks an app on request, with the verdict each fixture app deserves, and leaves its files as they were', async () => {
    const h = await openHarness({ env: CHECKS_ON });
    const expected: Record<string, [string, number, number, number]> = {
      'static-passing': ['passed', 6, 6, 0],
      'static-python-syntax': ['failed', 0, 6, 1],
      'static-jsx-syntax': ['failed', 6, 6, 1],
      'static-missing-endpoints': ['partial', 5, 6, 0],
      'static-unknown-route': ['partial', 6, 6, 1],
    };
    for (const [fixture, [verdict, ok, total, problems]] of Object.entries(expected)) {
      const job = await fixtureApp(h, fixture);
      const app = join(h.workspace, job.appPath);
      const before = hashes(app);
      const asked = await h.daemon.connection.sendRequest(P.AppCheckRequest, {
        jobId: job.id,
        levels: ['static'],
      });
      assert.equal(asked.check?.verdict, 'running', 'the reply comes at once, the check runs behind it');
      const result = (await checked(h, job.id, asked.revision)).check!;
      assert.deepEqual(
        [result.verdict, result.endpointsOk, result.endpointsTotal, result.problems],
        [verdict, ok, total, problems],
        fixture,
      );
      assert.deepEqual(hashes(app), before, `${fixture}: the app is untouched`);
      const manifest = JSON.parse(readFileSync(join(app, APP_MANIFEST_FILE), 'utf8'));
      assert.equal(manifest.check?.verdict, verdict, `${fixture}: the manifest has the new verdict`);
      const details = JSON.parse(
        readFileSync(join(h.workspace, `.appgen/checks/sim_alpha/app${job.appNum}/${job.id}.json`), 'utf8'),
      );
      assert.deepEqual(details.summary, result, `${fixture}: the details are the new check's`);
    }
  });

  it('ends a smoke level skipped when no Python can run the app, saying why', async () => {
    const h = await openHarness({ env: { ...CHECKS_ON, APPGEN_PYTHON: '/nonexistent/python3' } });
    const job = await fixtureApp(h, 'static-passing');
    const asked = await h.daemon.connection.sendRequest(P.AppCheckRequest, {
      jobId: job.id,
      levels: ['smoke'],
    });
    const result = (await checked(h, job.id, asked.revision)).check!;
    assert.equal(result.verdict, 'skipped');
    assert.match(
      result.reason ?? '',
      /^smoke: no Python that can import flask and flask_cors \(\/nonexistent\/python3/,
    );
  });

  it('checks again, on the next start, an app whose check a stopped daemon left running', async () => {
    const first = await openHarness();
    const job = await first.start({ templateSlug: TEMPLATE, model: MODEL });
    await first.finished(job.id);
    await first.close();
    // What a daemon killed mid-check leaves: the job recorded with its check running.
    const SQL = await sqlJs();
    const db = new SQL.Database(readFileSync(historyFile(first.workspace)));
    const running = { verdict: 'running', levels: ['static'], checkedAt: '2026-01-01T00:00:00.000Z' };
    db.run('UPDATE jobs SET extra = ? WHERE id = ?', [JSON.stringify({ check: running }), job.id]);
    writeFileSync(historyFile(first.workspace), db.export());
    db.close();

    const second = await openHarness({ workspace: first.workspace, env: CHECKS_ON });
    const done = await checked(second, job.id);
    assert.equal(done.check?.verdict, 'passed');
    assert.notEqual(done.check?.checkedAt, running.checkedAt);
  });

  it('refuses a job still queued or running, one that failed, an unknown job and unknown levels', async () => {
    const h = await openHarness({ env: { ...CHECKS_ON, GENERATION_MAX_CONCURRENT: '1' } });
    h.sim.pause();
    const running = await h.start({ templateSlug: TEMPLATE, model: MODEL });
    await h.sim.waitForRequests(1);
    const queued = await h.start({ templateSlug: TEMPLATE, model: MODEL });
    const check = (params: unknown) => h.daemon.connection.sendRequest(P.AppCheckRequest.method, params);
    await assert.rejects(
      check({ jobId: running.id }),
      invalidParams(/is still running: its app can be checked once the job has succeeded/),
    );
    await assert.rejects(check({ jobId: queued.id }), invalidParams(/is still queued/));
    await assert.rejects(check({ jobId: 'nope' }), invalidParams(/Unknown job "nope"/));
    await assert.rejects(check({}), invalidParams(/jobId is required/));
    await assert.rejects(
      check({ jobId: running.id, levels: ['lint'] }),
      invalidParams(/levels\[0\] must be one of "static", "smoke", got "lint"/),
    );
    h.sim.resume();
    await h.finished(queued.id);
    const failed = await h.start({ templateSlug: TEMPLATE, model: 'sim/fail-always' });
    assert.equal((await h.finished(failed.id)).status, 'failed');
    await assert.rejects(check({ jobId: failed.id }), invalidParams(/failed: it wrote no app to check/));
    assert.equal((await h.get(failed.id)).check, undefined);
  });
});
