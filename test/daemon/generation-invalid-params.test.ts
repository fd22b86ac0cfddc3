import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as P from '../../shared/protocol';
import { type GenerationHarness, MODEL, startHarness, TEMPLATE } from '../support/generation-harness';
import { invalidParams } from '../support/invalid-params';

const UNKNOWN_JOB = '00000000-0000-4000-8000-000000000000';

describe('generation requests with invalid params', () => {
  let h: GenerationHarness;

  before(async () => {
    h = await startHarness();
  });

  after(async () => {
    await h?.close();
  });

  const badStarts: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an unknown template', { templateSlug: 'no_such_template', model: MODEL }, /no_such_template/],
    ['a missing template', { model: MODEL }, /templateSlug/],
    ['an empty model', { templateSlug: TEMPLATE, model: '' }, /model/],
    ['a blank model', { templateSlug: TEMPLATE, model: '   ' }, /model/],
    ['a missing model', { templateSlug: TEMPLATE }, /model/],
    ['appNum 0', { templateSlug: TEMPLATE, model: MODEL, appNum: 0 }, /appNum.*0/],
    ['appNum -1', { templateSlug: TEMPLATE, model: MODEL, appNum: -1 }, /appNum.*-1/],
    ['appNum 1.5', { templateSlug: TEMPLATE, model: MODEL, appNum: 1.5 }, /appNum.*1\.5/],
    ['appNum "3"', { templateSlug: TEMPLATE, model: MODEL, appNum: '3' }, /appNum.*"3"/],
    ['unknown components', { templateSlug: TEMPLATE, model: MODEL, components: ['database'] }, /components/],
    ['empty components', { templateSlug: TEMPLATE, model: MODEL, components: [] }, /components/],
    ['components not a list', { templateSlug: TEMPLATE, model: MODEL, components: 'frontend' }, /components/],
    [
      'a priority that is not a number',
      { templateSlug: TEMPLATE, model: MODEL, priority: 'high' },
      /priority/,
    ],
    [
      'a temperature out of range',
      { templateSlug: TEMPLATE, model: MODEL, options: { temperature: 3 } },
      /temperature/,
    ],
    ['maxTokens 0', { templateSlug: TEMPLATE, model: MODEL, options: { maxTokens: 0 } }, /maxTokens/],
  ];

  for (const [what, params, pattern] of badStarts) {
    it(`refuses generation/start with ${what} and records nothing`, async () => {
      await assert.rejects(
        h.daemon.connection.sendRequest(P.GenerationStartRequest, params as never),
        invalidParams(pattern),
      );
      assert.deepEqual(await h.list(), []);
    });
  }

  for (const method of [P.GenerationGetRequest, P.GenerationCancelRequest, P.GenerationRetryRequest]) {
    it(`refuses ${method.method} for an unknown job, naming it`, async () => {
      await assert.rejects(
        h.daemon.connection.sendRequest(method.method, { jobId: UNKNOWN_JOB }),
        invalidParams(new RegExp(UNKNOWN_JOB)),
      );
    });

    it(`refuses ${method.method} without a jobId`, async () => {
      await assert.rejects(h.daemon.connection.sendRequest(method.method, {}), invalidParams(/jobId/));
    });
  }

  it('has recorded, queued and written nothing after all the refusals', async () => {
    assert.deepEqual(await h.list(), []);
    assert.deepEqual(await h.history(), []);
    const status = await h.status();
    assert.equal(status.queued + status.running, 0);
    assert.equal(h.sim.chatRequests.length, 0);
    assert.equal(existsSync(join(h.workspace, 'generated')), false);
    assert.deepEqual(h.daemon.changes, [], 'no generation/changed sent');
  });

  it('still takes a valid request afterwards, with app number 1', async () => {
    const job = await h.start({ templateSlug: TEMPLATE, model: MODEL });
    assert.equal(job.appNum, 1, 'refused requests reserved no app number');
    assert.equal((await h.finished(job.id)).status, 'succeeded');
  });
});
