/**
 * BatchService with its daemon around it faked: a refused file lists every problem and starts
 * nothing, the concurrency limit goes with the batch (also when a later daemon adopts it), and a
 * budget holds when the server reports tokens but no cost.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchService, type BatchServiceDeps } from '../../../daemon/batch/batch-service';
import type { ModelPrices } from '../../../daemon/batch/usage-cost';
import type { DaemonError } from '../../../daemon/daemon-error';
import type { GenerationService } from '../../../daemon/generation-service';
import type { BatchRecord } from '../../../daemon/history/batch-record';
import { createLogger } from '../../../daemon/logger';
import type { Template } from '../../../daemon/templates/template';
import type { Job } from '../../../shared/job';

const PRICES: ModelPrices = { promptPrice: 0.000001, completionPrice: 0.000002 };
/** 3000 prompt and 2000 completion tokens: $0.007 at PRICES. */
const USAGE = { promptTokens: 3000, completionTokens: 2000 };

function job(id: string, status: Job['status'], extra: Partial<Job> = {}): Job {
  return {
    id,
    batchId: 'b1',
    templateSlug: 'quiz_app',
    model: 'other/model',
    modelSlug: 'other_model',
    appNum: Number(id.replace(/\D/g, '')) || 1,
    appPath: `generated/apps/other_model/app${id}`,
    status,
    attempts: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

interface Fixture {
  batches: BatchService;
  limits: [string, number][];
  cancelled: string[];
  /** Resolves with the id of the next job cancelled. */
  nextCancel: () => Promise<string>;
  calls: string[];
  /** Batches recorded in the history. */
  recorded: BatchRecord[];
  /** Jobs prepared so far. */
  prepared: () => number;
  /** Times the model prices were asked for. */
  pricesAsked: () => number;
  workspace: string;
  setPrices: (prices: ModelPrices | undefined) => void;
  releasePrices: () => void;
}

function fixture(
  options: {
    record?: BatchRecord;
    jobs?: Job[];
    prices?: ModelPrices;
    skippedTemplates?: { file: string; reason: string }[];
  } = {},
): Fixture {
  const workspace = mkdtempSync(join(tmpdir(), 'appgen-batch-service-'));
  const limits: [string, number][] = [];
  const cancelled: string[] = [];
  const calls: string[] = [];
  const recorded: BatchRecord[] = [];
  let cancelWaiter: ((id: string) => void) | undefined;
  let prices = options.prices;
  let pricesAsked = 0;
  let releasePrices = () => {};
  const pricesLoaded = new Promise<void>((resolve) => {
    releasePrices = resolve;
  });
  let nextId = 0;
  const jobs = new Map((options.jobs ?? []).map((j) => [j.id, j]));
  const service = {
    prepare: async (params: { templateSlug: string; model: string }, context: { batchId?: string }) =>
      job(`p${++nextId}`, 'queued', { templateSlug: params.templateSlug, model: params.model, ...context }),
    enqueueAll: async (prepared: Job[]) => {
      calls.push(`enqueue ${prepared.length}`);
    },
    cancel: (id: string, reason: string) => {
      if (cancelled.length === 0) calls.push('first cancel');
      cancelled.push(id);
      const current = jobs.get(id)!;
      const changed: Job = { ...current, status: 'cancelled', error: { code: 'cancelled', message: reason } };
      jobs.set(id, changed);
      batches.observe(changed);
      cancelWaiter?.(id);
      return true;
    },
  } as unknown as GenerationService;
  const deps: BatchServiceDeps = {
    workspace,
    service,
    listTemplates: async () => [{ slug: 'quiz_app' } as Template, { slug: 'kanban_board' } as Template],
    skippedTemplates: async () => options.skippedTemplates ?? [],
    listJobs: () => [...jobs.values()],
    newId: () => 'b-new',
    now: () => new Date('2026-01-01T01:00:00.000Z'),
    log: createLogger(() => {}),
    onProgress: () => {},
    limitConcurrency: (batchId, maxConcurrent) => {
      calls.push(`limit ${batchId} ${maxConcurrent}`);
      limits.push([batchId, maxConcurrent]);
    },
    dropQueued: (batchId) => calls.push(`drop ${batchId}`),
    recordBatch: (batch) => recorded.push(batch),
    getBatch: (id) => (options.record?.id === id ? options.record : undefined),
    queuePaused: () => undefined,
    estimate: async () => undefined,
    prices: (model) => {
      pricesAsked++;
      return model === 'other/model' ? prices : undefined;
    },
    loadPrices: () => pricesLoaded,
  };
  const batches = new BatchService(deps);
  return {
    batches,
    limits,
    cancelled,
    calls,
    recorded,
    prepared: () => nextId,
    pricesAsked: () => pricesAsked,
    workspace,
    nextCancel: () => new Promise((resolve) => (cancelWaiter = resolve)),
    setPrices: (next) => {
      prices = next;
    },
    releasePrices: () => releasePrices(),
  };
}

const record = (options: Record<string, unknown>): BatchRecord => ({
  id: 'b1',
  configPath: 'appgen.batch.json',
  createdAt: '2026-01-01T00:00:00.000Z',
  options: { models: ['other/model'], templates: ['quiz_app'], ...options },
});

describe('BatchService', () => {
  it('limits a started batch to its maxConcurrent before any of its jobs is queued', async () => {
    const f = fixture();
    writeFileSync(
      join(f.workspace, 'appgen.batch.json'),
      JSON.stringify({ models: ['other/model'], templates: ['quiz_app', 'kanban_board'], maxConcurrent: 2 }),
    );
    const result = await f.batches.start(undefined);
    assert.equal(result.batchId, 'b-new');
    assert.deepEqual(f.calls, ['limit b-new 2', 'enqueue 2']);
  });

  it('sets no batch limit when the batch file has no maxConcurrent', async () => {
    const f = fixture();
    writeFileSync(
      join(f.workspace, 'appgen.batch.json'),
      JSON.stringify({ models: ['other/model'], templates: ['quiz_app'] }),
    );
    await f.batches.start(undefined);
    assert.deepEqual(f.calls, ['enqueue 1']);
  });

  it('lists an unknown template along with the other problems of the file, and prepares and records nothing', async () => {
    const f = fixture();
    writeFileSync(
      join(f.workspace, 'appgen.batch.json'),
      [
        '{',
        '  "models": ["other/model", ".."],',
        '  "templates": ["quiz_app", "no_such_template"],',
        '  "repeat": 0,',
        '  "bogus": 1',
        '}',
      ].join('\n'),
    );
    const error = await f.batches.start(undefined).then(
      () => assert.fail('the batch started'),
      (e: DaemonError) => e,
    );
    assert.equal(error.code, 'invalid_params');
    const [title, model, ...others] = error.message.split('\n');
    assert.equal(title, 'Invalid batch file appgen.batch.json (4 problems):');
    assert.match(model!, /^appgen\.batch\.json:2:29: models\[1\]: model "\.\." cannot name a folder/);
    assert.deepEqual(others, [
      'appgen.batch.json:3:29: templates[1]: unknown template "no_such_template"',
      'appgen.batch.json:4:13: repeat: must be >= 1',
      'appgen.batch.json:5:3: bogus: unknown property "bogus"',
    ]);
    assert.deepEqual([f.prepared(), f.calls, f.recorded], [0, [], []]);
  });

  it('lists an unknown template past a syntax error, and prepares and records nothing', async () => {
    const f = fixture();
    writeFileSync(
      join(f.workspace, 'appgen.batch.json'),
      '{\n  "models": ["other/model"]\n  "templates": ["nope"]\n}',
    );
    await assert.rejects(f.batches.start(undefined), (error: DaemonError) => {
      assert.deepEqual(error.message.split('\n'), [
        'Invalid batch file appgen.batch.json (2 problems):',
        'appgen.batch.json:3:3: JSON syntax: comma expected',
        'appgen.batch.json:3:17: templates[0]: unknown template "nope"',
      ]);
      return true;
    });
    assert.deepEqual([f.prepared(), f.calls, f.recorded], [0, [], []]);
  });

  it('says why a listed template is unknown when its workspace file was skipped', async () => {
    const f = fixture({
      skippedTemplates: [{ file: '.appgen/templates/my-quiz.json', reason: 'missing required field "name"' }],
    });
    writeFileSync(
      join(f.workspace, 'appgen.batch.json'),
      '{\n  "models": ["other/model"],\n  "templates": ["my_quiz", "nope"]\n}',
    );
    await assert.rejects(f.batches.start(undefined), (error: DaemonError) => {
      assert.deepEqual(error.message.split('\n'), [
        'Invalid batch file appgen.batch.json (2 problems):',
        'appgen.batch.json:3:17: templates[0]: unknown template "my_quiz" (.appgen/templates/my-quiz.json was skipped: missing required field "name")',
        'appgen.batch.json:3:28: templates[1]: unknown template "nope"',
      ]);
      return true;
    });
  });

  it('starts every known template for "all"', async () => {
    const f = fixture();
    writeFileSync(
      join(f.workspace, 'appgen.batch.json'),
      JSON.stringify({ models: ['other/model'], templates: 'all' }),
    );
    const { jobs } = await f.batches.start(undefined);
    assert.deepEqual(
      jobs.map((j) => j.templateSlug),
      ['quiz_app', 'kanban_board'],
    );
    assert.equal(f.recorded.length, 1);
  });

  it("restores an adopted batch's maxConcurrent from its record", () => {
    const jobs = [job('1', 'running'), job('2', 'queued')];
    const f = fixture({ record: record({ maxConcurrent: 3 }), jobs });
    f.batches.adopt(jobs);
    assert.deepEqual(f.limits, [['b1', 3]]);
  });

  it('sets no limit for an adopted batch whose record has none, or a damaged one', () => {
    for (const options of [{}, { maxConcurrent: 'two' }, { maxConcurrent: 0 }]) {
      const jobs = [job('1', 'queued')];
      const f = fixture({ record: record(options), jobs });
      f.batches.adopt(jobs);
      assert.deepEqual(f.limits, [], JSON.stringify(options));
    }
  });

  it('stops the batch at its budget when calls report tokens but no cost, pricing them from the model list', async () => {
    const jobs = [job('1', 'running'), job('2', 'running'), job('3', 'queued')];
    const f = fixture({ record: record({ budgetUsd: 0.01 }), jobs, prices: PRICES });
    f.batches.adopt(jobs);
    f.batches.observe(job('1', 'succeeded', { usage: USAGE }));
    assert.deepEqual(f.cancelled, [], '$0.007 is under the budget');
    f.batches.observe(job('2', 'succeeded', { usage: USAGE }));
    assert.deepEqual(f.cancelled, ['3'], '$0.014 is over it');
    const status = f.batches.status('b1');
    assert.ok(Math.abs(status.costUsd - 0.014) < 1e-9, String(status.costUsd));
    assert.match(status.paused ?? '', /^Budget of \$0\.01 reached \(\$0\.0140 spent\)/);
    await f.batches.settled();
    const { reportPath } = f.batches.status('b1');
    assert.equal(reportPath, '.appgen/reports/b1.md');
    const report = readFileSync(join(f.workspace, reportPath), 'utf8');
    assert.match(report, /^- Cost: \$0\.0140$/m, 'the report counts the same cost');
  });

  describe('the report file', () => {
    /** Adopts batch `id` with one running job and lets it finish, which writes the report. */
    const finishBatch = async (id: string, prepare: (workspace: string) => void = () => {}) => {
      const jobs = [job('1', 'running', { batchId: id })];
      const f = fixture({ record: { ...record({}), id }, jobs });
      prepare(f.workspace);
      f.batches.adopt(jobs);
      f.batches.observe(job('1', 'succeeded', { batchId: id }));
      await f.batches.settled();
      return f;
    };

    it('is readable by the user only, in a folder only the user can open', async () => {
      const f = await finishBatch('b1');
      const { reportPath } = f.batches.status('b1');
      assert.equal(reportPath, '.appgen/reports/b1.md');
      assert.equal(statSync(join(f.workspace, reportPath)).mode & 0o777, 0o600);
      assert.equal(statSync(join(f.workspace, '.appgen', 'reports')).mode & 0o777, 0o700);
    });

    it('is never written through a link, nor outside the reports folder for a batch id from the history', async () => {
      const outside = mkdtempSync(join(tmpdir(), 'appgen-outside-'));
      const linked = await finishBatch('b1', (workspace) => {
        mkdirSync(join(workspace, '.appgen'));
        symlinkSync(outside, join(workspace, '.appgen', 'reports'), 'dir');
      });
      assert.equal(linked.batches.status('b1').reportPath, undefined);
      const escaping = await finishBatch('../../../escaped');
      assert.equal(escaping.batches.status('../../../escaped').reportPath, undefined);
      assert.deepEqual(readdirSync(outside), []);
      assert.equal(existsSync(join(escaping.workspace, '..', 'escaped.md')), false);
    });
  });

  it('counts jobs finished before a restart once the prices arrive, and stops the batch then', async () => {
    const jobs = [job('1', 'succeeded', { usage: USAGE }), job('2', 'queued')];
    const f = fixture({ record: record({ budgetUsd: 0.005 }), jobs });
    f.batches.adopt(jobs);
    assert.deepEqual(f.cancelled, [], 'no prices yet: nothing known to be spent');
    const cancelling = f.nextCancel();
    f.setPrices(PRICES);
    f.releasePrices();
    assert.equal(await cancelling, '2');
  });

  it('cancels the waiting jobs of an adopted batch whose budget was already spent', () => {
    const jobs = [job('1', 'succeeded', { usage: { ...USAGE, costUsd: 0.02 } }), job('2', 'queued')];
    const f = fixture({ record: record({ budgetUsd: 0.01 }), jobs });
    f.batches.adopt(jobs);
    assert.deepEqual(f.cancelled, ['2'], 'before any of its jobs resumes');
  });

  /** What `probe` returned at each turn of the event loop until `work` settled. */
  async function seenEachTurn<T>(work: Promise<unknown>, probe: () => T): Promise<T[]> {
    let done = false;
    void Promise.resolve(work).finally(() => {
      done = true;
    });
    const seen: T[] = [];
    while (!done) {
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(probe());
    }
    return seen;
  }

  it('cancels a batch of thousands of jobs over several turns of the event loop, its waiting jobs dropped from the queue first', async () => {
    const jobs = Array.from({ length: 5000 }, (_, i) => job(String(i + 1), 'queued'));
    const f = fixture({ record: record({}), jobs });
    f.batches.adopt(jobs);
    const cancelling = f.batches.cancel('b1');
    const seen = await seenEachTurn(cancelling, () => f.cancelled.length);
    assert.equal(await cancelling, 5000);
    assert.equal(new Set(f.cancelled).size, 5000, 'every job cancelled once');
    assert.ok(
      seen.some((count) => count > 0 && count < 5000),
      `other work ran while the cancel was under way (cancelled at each turn: ${seen.join(', ')})`,
    );
    assert.deepEqual(f.calls.slice(0, 2), ['drop b1', 'first cancel']);
    const status = f.batches.status('b1');
    assert.deepEqual([status.cancelled, status.queued, status.finished], [5000, 0, true]);
    await f.batches.settled();
  });

  it('prepares a batch of thousands of jobs over several turns of the event loop', async () => {
    const f = fixture();
    const models = Array.from({ length: 3 }, (_, i) => `vendor/model-${i}`);
    writeFileSync(
      join(f.workspace, 'appgen.batch.json'),
      JSON.stringify({ models, templates: ['quiz_app', 'kanban_board'], repeat: 1000 }),
    );
    const starting = f.batches.start(undefined);
    const seen = await seenEachTurn(starting, () => f.prepared());
    assert.equal((await starting).jobs.length, 6000);
    assert.ok(
      seen.some((count) => count > 0 && count < 6000),
      `other work ran while the jobs were prepared (prepared at each turn: ${seen.join(', ')})`,
    );
  });

  it('looks up no model prices for jobs that have not called their model yet', async () => {
    const jobs = Array.from({ length: 3000 }, (_, i) => job(String(i + 1), 'queued'));
    const f = fixture({ record: record({ budgetUsd: 100 }), jobs, prices: PRICES });
    f.batches.adopt(jobs);
    for (const queued of jobs.slice(0, 1000)) f.batches.observe({ ...queued, status: 'running' });
    assert.equal(f.pricesAsked(), 0);
    f.batches.observe(job('1', 'succeeded', { usage: USAGE }));
    assert.equal(f.pricesAsked(), 1, 'a job with tokens but no reported cost is priced');
    assert.ok(Math.abs(f.batches.status('b1').costUsd - 0.007) < 1e-9);
    f.releasePrices();
    await f.batches.cancel('b1');
    await f.batches.settled();
  });
});
