import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Simulator, startSimulator } from '../../daemon/simulator/simulator';
import * as P from '../../shared/protocol';
import { type DaemonProcess, spawnDaemon } from '../support/daemon-process';

describe('batch cost estimate', () => {
  let sim: Simulator;
  let daemon: DaemonProcess | undefined;
  beforeEach(async () => {
    sim = await startSimulator();
  });
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
    await sim.close();
  });

  it('estimates from the model list before starting and warns when above the budget', async () => {
    daemon = spawnDaemon({ env: { OPENROUTER_BASE_URL: sim.url, OPENROUTER_API_KEY: 'estimate-key' } });
    await daemon.initialize();
    writeFileSync(
      join(daemon.workspace, 'appgen.batch.json'),
      JSON.stringify({
        models: ['sim/alpha', 'acme/unlisted'],
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
    assert.deepEqual(result.estimate.unpricedModels, ['acme/unlisted']);
    assert.match(result.warning ?? '', /above its budget/);
  });

  it('starts without an estimate when the model list cannot be had', async () => {
    sim.enqueueFaults(['http500']);
    daemon = spawnDaemon({
      env: { OPENROUTER_BASE_URL: sim.url, OPENROUTER_API_KEY: 'estimate-key', OPENROUTER_MAX_RETRIES: '0' },
    });
    await daemon.initialize();
    writeFileSync(
      join(daemon.workspace, 'appgen.batch.json'),
      JSON.stringify({ models: ['sim/alpha'], templates: ['crud_todo_list'] }),
    );
    const result = await daemon.connection.sendRequest(P.BatchStartRequest, {});
    assert.equal(result.jobs.length, 1);
  });
});
