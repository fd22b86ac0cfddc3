import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SIMULATED_MODELS } from '../../daemon/simulator/simulated-models';
import * as P from '../../shared/protocol';
import { spawnDaemon } from '../support/daemon-process';
import {
  type GenerationHarness,
  harnessPerTest,
  MODEL,
  TEMPLATE,
  within,
} from '../support/generation-harness';
import { expectInvalidParams, invalidParams } from '../support/invalid-params';
import { TEST_API_KEY } from '../support/sim-env';

/** Nothing recorded, queued, announced or asked of the model after refusals. */
async function assertNothingRecorded(h: GenerationHarness): Promise<void> {
  assert.deepEqual(await h.list(), []);
  assert.deepEqual(await h.history(), []);
  const status = await h.status();
  assert.equal(status.queued + status.running, 0);
  assert.deepEqual(h.daemon.changes, [], 'no generation/changed sent');
  assert.equal(h.sim.chatRequests.length, 0);
  assert.equal(existsSync(join(h.workspace, 'generated')), false);
}

describe('generation model names', () => {
  const openHarness = harnessPerTest();

  describe("against the server's model list", () => {
    it('refuses a model the list does not have with -32602 naming it and a close match; records nothing', async () => {
      const h = await openHarness();
      await assert.rejects(
        h.start({ templateSlug: TEMPLATE, model: 'sim/alpah' }),
        invalidParams(/Unknown model "sim\/alpah".*did you mean "sim\/alpha"/),
      );
      await assert.rejects(
        h.start({ templateSlug: TEMPLATE, model: 'vendor/no-such-model' }),
        invalidParams(/^Unknown model "vendor\/no-such-model": it is not in the server's model list$/),
      );
      assert.ok(
        h.sim.requests.some((r) => r.method === 'GET' && r.path.endsWith('/models')),
        'the list was read',
      );
      await assertNothingRecorded(h);
      const job = await h.start({ templateSlug: TEMPLATE, model: MODEL });
      assert.equal(job.appNum, 1, 'the refusals reserved no app number');
    });

    it('takes a slug and resolves it to the model id', async () => {
      const h = await openHarness();
      const job = await h.start({ templateSlug: TEMPLATE, model: 'sim_free_free' });
      assert.equal(job.model, 'sim/free:free');
      assert.equal(job.modelSlug, 'sim_free_free');
      assert.equal(job.appPath, 'generated/apps/sim_free_free/app1');
      const done = await h.finished(job.id);
      assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
      assert.ok(
        h.sim.chatRequests.every((r) => r.model === 'sim/free:free'),
        'the model is called by its id',
      );
    });

    it('refuses a slug that two listed models share, naming both', async () => {
      const listed = (id: string) => ({ ...SIMULATED_MODELS[0]!, id, name: id });
      const h = await openHarness({ simOptions: { models: [listed('acme/a:b'), listed('acme/a/b')] } });
      await assert.rejects(
        h.start({ templateSlug: TEMPLATE, model: 'acme_a_b' }),
        invalidParams(/Ambiguous model "acme_a_b".*"acme\/a:b".*"acme\/a\/b"/),
      );
      await assertNothingRecorded(h);
    });

    it('refuses a batch file naming an unknown model as a whole, pointing at the model', async () => {
      const h = await openHarness();
      writeFileSync(
        join(h.workspace, 'appgen.batch.json'),
        '{\n  "models": ["sim/alpha",\n             "sim/betta"],\n  "templates": ["crud_todo_list"]\n}\n',
      );
      const error = await expectInvalidParams(h.daemon.connection.sendRequest(P.BatchStartRequest, {}));
      assert.match(
        error.message,
        /appgen\.batch\.json:3:14: models\[1\]: Unknown model "sim\/betta".*did you mean "sim\/beta"/,
      );
      await assertNothingRecorded(h);
    });
  });

  describe('without a model list', () => {
    it('takes any model from a server that has no /models (404)', async () => {
      const h = await openHarness({ simOptions: { serveModelList: false } });
      const job = await h.start({ templateSlug: TEMPLATE, model: 'vendor/any-model' });
      assert.equal(job.model, 'vendor/any-model');
      assert.equal((await h.finished(job.id)).status, 'succeeded');
    });

    it('takes any model when the server cannot be reached', async () => {
      // spawnDaemon's default base URL has nothing listening.
      const daemon = spawnDaemon({ env: { OPENROUTER_API_KEY: TEST_API_KEY } });
      try {
        await daemon.initialize();
        const job = await daemon.connection.sendRequest(P.GenerationStartRequest, {
          templateSlug: TEMPLATE,
          model: 'vendor/offline-model',
        });
        assert.equal(job.model, 'vendor/offline-model');
        assert.equal(job.status, 'queued');
      } finally {
        await daemon.kill();
      }
    });

    it('does not hold generation/start long for a server whose /models never answers', async () => {
      const silent: Server = createServer(() => {
        // Never answers: the daemon must give up waiting for the list on its own.
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const { port } = silent.address() as AddressInfo;
      const daemon = spawnDaemon({
        env: { OPENROUTER_BASE_URL: `http://127.0.0.1:${port}/api/v1`, OPENROUTER_API_KEY: TEST_API_KEY },
      });
      try {
        await daemon.initialize();
        // The daemon waits 2 s for the list; the guard leaves room for a slow machine, not for the
        // fetch's own 30 s limit or the 300 s call timeout.
        const job = await within(
          daemon.connection.sendRequest(P.GenerationStartRequest, {
            templateSlug: TEMPLATE,
            model: 'vendor/m',
          }),
          10_000,
          'generation/start answered',
        );
        assert.equal(job.status, 'queued');
      } finally {
        await daemon.kill();
        silent.closeAllConnections();
        await new Promise<void>((resolve) => silent.close(() => resolve()));
      }
    });
  });
});
