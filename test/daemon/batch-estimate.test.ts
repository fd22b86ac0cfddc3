import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as P from '../../shared/protocol';
import { harnessPerTest } from '../support/generation-harness';

describe('batch cost estimate', () => {
  const openHarness = harnessPerTest();

  it('estimates from the model list before starting and warns when above the budget', async () => {
    const h = await openHarness();
    const { daemon, sim } = h;
    writeFileSync(
      join(daemon.workspace, 'appgen.batch.json'),
      JSON.stringify({
        models: ['sim/alpha', 'sim/auto'],
        templates: ['crud_todo_list'],
        budgetUsd: 0.0001,
      }),
    );
    const result = await daemon.connection.sendRequest(P.BatchStartRequest, {});
    assert.ok(
      sim.requests.some((r) => r.method === 'GET' && r.path.endsWith('/models')),
      'the model list was read',
    );
    assert.ok(result.estimate, 'an estimate is returned');
    assert.ok(result.estimate.costUsd > 0.0001);
    assert.ok(result.estimate.promptTokens > 0 && result.estimate.completionTokens > 0);
    assert.deepEqual(result.estimate.unpricedModels, ['sim/auto']);
    assert.match(result.warning ?? '', /above its budget/);
  });

  it('starts without an estimate when the model list cannot be had', async () => {
    // The model list is read only when a batch starts, so the fault is still first in line then.
    const h = await openHarness({ env: { OPENROUTER_MAX_RETRIES: '0' } });
    const { daemon, sim } = h;
    sim.enqueueFaults(['http500']);
    writeFileSync(
      join(daemon.workspace, 'appgen.batch.json'),
      JSON.stringify({ models: ['sim/alpha'], templates: ['crud_todo_list'] }),
    );
    const result = await daemon.connection.sendRequest(P.BatchStartRequest, {});
    assert.equal(result.jobs.length, 1);
  });
});
