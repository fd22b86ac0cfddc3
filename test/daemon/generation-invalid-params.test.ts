import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as P from '../../shared/protocol';
import { type DaemonProcess, spawnDaemon } from '../support/daemon-process';
import { type GenerationHarness, MODEL, startHarness, TEMPLATE } from '../support/generation-harness';
import { invalidParams } from '../support/invalid-params';

const UNKNOWN_JOB = '00000000-0000-4000-8000-000000000000';

/** Writes one framed request as raw bytes and resolves with the daemon's reply to `id`. */
function rawRequest(
  daemon: DaemonProcess,
  body: string,
  id: string,
): Promise<{ error?: { code: number; message: string } }> {
  return new Promise((resolve) => {
    const marker = Buffer.from(`"id":"${id}"`);
    const onData = () => {
      const out = daemon.stdout();
      const at = out.indexOf(marker);
      if (at < 0) return;
      const start = out.lastIndexOf('\r\n\r\n', at) + 4;
      const header = out.subarray(0, start).toString('ascii');
      const length = Number(/Content-Length: (\d+)\r\n\r\n$/.exec(header)?.[1]);
      if (out.length < start + length) return;
      daemon.child.stdout!.off('data', onData);
      resolve(JSON.parse(out.subarray(start, start + length).toString('utf8')));
    };
    daemon.child.stdout!.on('data', onData);
    daemon.child.stdin!.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
}

describe('model ids at the folder name limit (server without a model list)', () => {
  let h: GenerationHarness;

  before(async () => {
    h = await startHarness({ simOptions: { serveModelList: false } });
  });

  after(async () => {
    await h?.close();
  });

  it('generates an app for a model whose folder name is exactly 255 bytes', async () => {
    const model = `sim/${'a'.repeat(251)}`;
    const job = await h.start({ templateSlug: TEMPLATE, model });
    assert.equal(job.modelSlug.length, 255);
    const finished = await h.finished(job.id);
    assert.equal(finished.status, 'succeeded', JSON.stringify(finished.error));
    assert.ok(existsSync(join(h.workspace, finished.appPath)));
  });

  it('refuses one byte more, naming the model and the limit, instead of failing with ENAMETOOLONG', async () => {
    await assert.rejects(
      h.start({ templateSlug: TEMPLATE, model: `sim/${'a'.repeat(252)}` }),
      invalidParams(
        /^model "sim\/a+\.\.\." \(256 characters\) is too long: its folder name would be 256 bytes, at most 255$/,
      ),
    );
  });
});

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
    [
      'appNum 1e308',
      { templateSlug: TEMPLATE, model: MODEL, appNum: 1e308 },
      /^appNum must be an integer from 1 to 100000, got 1e\+308$/,
    ],
    ['a model that is a number', { templateSlug: TEMPLATE, model: 42 }, /^model must be a string, got 42$/],
    [
      'a templateSlug that is an object',
      { templateSlug: {}, model: MODEL },
      /^templateSlug must be a string/,
    ],
    ['a model of ".."', { templateSlug: TEMPLATE, model: '..' }, /^model "\.\." cannot name a folder/],
    [
      'a model whose folder would end in a dot',
      { templateSlug: TEMPLATE, model: 'foo.' },
      /^model "foo\." cannot name a folder: its folder name would be "foo\.", which ends in a dot that Windows drops/,
    ],
    [
      'a model whose folder would be a Windows device',
      { templateSlug: TEMPLATE, model: 'nul' },
      /^model "nul" cannot name a folder/,
    ],
    [
      'a model id too long for a folder name',
      { templateSlug: TEMPLATE, model: `sim/${'a'.repeat(400)}` },
      /^model "sim\/a+\.\.\." \(404 characters\) is too long: its folder name would be 404 bytes, at most 255$/,
    ],
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

  const badParams: Array<[string, string, unknown, RegExp]> = [
    ['initialize', 'an apiKey that is a number', { apiKey: 12345 }, /^apiKey must be a string$/],
    [
      'initialize',
      'a config that is a string',
      { config: 'nope' },
      /^config must be an object, got a string$/,
    ],
    [
      'initialize',
      'a config apiKey that is a number',
      { config: { apiKey: 12345 } },
      /^config\.apiKey must be a string$/,
    ],
    ['initialize', 'a clientName that is a list', { clientName: ['x'] }, /^clientName must be a string/],
    ['generation/get', 'a jobId that is a number', { jobId: 7 }, /^jobId must be a string, got 7$/],
    ['generation/list', 'an unknown status', { status: 'done' }, /^status must be one of .*got "done"$/],
    [
      'batch/start',
      'a configPath that is a number',
      { configPath: 3 },
      /^configPath must be a string, got 3$/,
    ],
    ['batch/status', 'no batchId', {}, /^batchId is required$/],
    ['batch/cancel', 'a batchId that is a number', { batchId: 1 }, /^batchId must be a string, got 1$/],
    [
      'history/list',
      'a negative limit',
      { limit: -1 },
      /^limit must be an integer from 0 to 1000000, got -1$/,
    ],
    ['history/list', 'a limit of 1e308', { limit: 1e308 }, /^limit must be an integer from 0 to 1000000/],
    ['history/importLegacy', 'a dbPath that is a number', { dbPath: 9 }, /^dbPath must be a string, got 9$/],
    [
      'models/list',
      'a refresh that is a string',
      { refresh: 'yes' },
      /^refresh must be true or false, got "yes"$/,
    ],
    ['daemon/status', 'params that are a string', 'x', /^params must be an object, got a string$/],
    [
      'generation/start',
      'params by position',
      ['a', 'b'],
      /^generation\/start takes one params object, by name$/,
    ],
  ];
  for (const [method, what, params, pattern] of badParams) {
    it(`refuses ${method} with ${what}, naming the field`, async () => {
      const request = Array.isArray(params)
        ? h.daemon.connection.sendRequest(method, ...params)
        : h.daemon.connection.sendRequest(method, params);
      await assert.rejects(request, invalidParams(pattern));
    });
  }

  it('refuses a setting nested 200,000 deep with invalid params, and goes on answering', async () => {
    // Sent as raw bytes: the client library itself cannot serialise so deep a value.
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const reply = await rawRequest(
      h.daemon,
      `{"jsonrpc":"2.0","id":"deep-1","method":"initialize","params":{"config":{"baseUrl":${deep}}}}`,
      'deep-1',
    );
    assert.deepEqual(reply.error?.code, -32602, JSON.stringify(reply));
    assert.equal(reply.error?.message, 'params must not nest deeper than 64 levels');
    assert.equal((await h.status()).queued, 0);
  });

  it('still answers initialize after refusing bad ones, with the key it had', async () => {
    const result = await h.daemon.initialize({});
    assert.equal(result.hasApiKey, true);
  });

  it('has recorded, queued and written nothing after all the refusals', async () => {
    assert.deepEqual(await h.list(), []);
    assert.deepEqual(await h.history(), []);
    const status = await h.status();
    assert.equal(status.queued + status.running, 0);
    assert.equal(h.sim.chatRequests.length, 0);
    assert.equal(existsSync(join(h.workspace, 'generated')), false);
    assert.deepEqual(h.daemon.changes, [], 'no generation/changed sent');
  });

  it('refuses a model of "." or ".." when the model list cannot be read, and writes nothing', async () => {
    // Without a server the daemon takes any model id; the folder check must hold all the same.
    const offline = spawnDaemon();
    try {
      await offline.initialize({ apiKey: 'sk-test' });
      for (const model of ['.', '..', '...', ' .. ']) {
        await assert.rejects(
          offline.connection.sendRequest(P.GenerationStartRequest, { templateSlug: TEMPLATE, model }),
          invalidParams(/^model "\.+" cannot name a folder/),
        );
      }
      assert.deepEqual(await offline.connection.sendRequest(P.HistoryListRequest, {}), []);
      assert.equal(existsSync(join(offline.workspace, 'generated')), false);
      assert.equal(existsSync(join(offline.workspace, '.appgen', 'artifacts')), false);
    } finally {
      await offline.stop();
    }
  });

  it('still takes a valid request afterwards, with app number 1', async () => {
    const job = await h.start({ templateSlug: TEMPLATE, model: MODEL });
    assert.equal(job.appNum, 1, 'refused requests reserved no app number');
    assert.equal((await h.finished(job.id)).status, 'succeeded');
  });
});
