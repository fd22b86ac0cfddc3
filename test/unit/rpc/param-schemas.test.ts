import { strict as assert } from 'node:assert';
import { RequestType } from 'vscode-jsonrpc';
import { checkParams } from '../../../daemon/rpc/param-checks';
import { PARAM_SCHEMAS, type RequestMethod } from '../../../daemon/rpc/param-schemas';
import * as P from '../../../shared/protocol';

/** The problem `params` have for `method`, or undefined when they pass. */
function problemOf(method: RequestMethod, params: unknown): string | undefined {
  const result = checkParams(PARAM_SCHEMAS[method], params);
  return result.ok ? undefined : result.problem;
}

describe('request params schemas', () => {
  it('declare a rule for every request of the protocol, and for nothing else', () => {
    const methods = P.ALL_REQUESTS.map((request) => request.method).sort();
    assert.deepEqual(Object.keys(PARAM_SCHEMAS).sort(), methods);
    for (const method of methods) assert.equal(typeof PARAM_SCHEMAS[method], 'object', method);
  });

  it('declare every exported RequestType of shared/protocol.ts in ALL_REQUESTS', () => {
    const exported = Object.values(P as Record<string, unknown>)
      .filter((value): value is RequestType<unknown, unknown, unknown> => value instanceof RequestType)
      .map((type) => type.method);
    assert.deepEqual(exported.sort(), P.ALL_REQUESTS.map((request) => request.method).sort());
  });

  it('take absent params as an empty object, and refuse params that are not an object', () => {
    assert.equal(problemOf('daemon/status', undefined), undefined);
    assert.equal(problemOf('daemon/status', null), undefined);
    assert.equal(problemOf('daemon/status', 'x'), 'params must be an object, got a string');
    assert.equal(problemOf('templates/list', [1]), 'params must be an object, got a list');
  });

  it('ignore unknown extra fields and keep them', () => {
    const result = checkParams(PARAM_SCHEMAS['generation/get'], { jobId: 'j', extra: 1 });
    assert.deepEqual(result, { ok: true, params: { jobId: 'j', extra: 1 } });
  });

  it('take a null optional field as absent and leave it out', () => {
    const result = checkParams(PARAM_SCHEMAS['history/list'], { limit: null, status: 'failed' });
    assert.deepEqual(result, { ok: true, params: { status: 'failed' } });
  });

  const cases: Array<[RequestMethod, unknown, string | undefined]> = [
    ['initialize', { clientName: 'vscode', apiKey: 'sk-1', config: { maxConcurrent: 2 } }, undefined],
    ['initialize', { apiKey: '' }, undefined],
    ['initialize', { apiKey: 12345 }, 'apiKey must be a string'],
    ['initialize', { clientName: 7 }, 'clientName must be a string, got 7'],
    ['initialize', { config: 'nope' }, 'config must be an object, got a string'],
    ['initialize', { config: [1] }, 'config must be an object, got a list'],
    ['initialize', { config: { apiKey: 12345 } }, 'config.apiKey must be a string'],
    ['initialize', { config: { OPENROUTER_API_KEY: true } }, 'config.OPENROUTER_API_KEY must be a string'],
    [
      'initialize',
      { config: { maxConcurrent: 'x' } },
      'config.maxConcurrent must be an integer from 1 to 1000, got "x"',
    ],
    ['initialize', { config: { nope: 1 } }, 'unknown setting "nope"'],
    [
      'initialize',
      { config: { outputDir: '.git/apps' } },
      `config.outputDir must be a folder inside the workspace, outside .appgen/ and .git/: ".git/apps" is inside .git/, Git's own folder`,
    ],
    ['generation/start', { templateSlug: 't', model: 'a/b' }, undefined],
    ['generation/start', { model: 'a/b' }, 'templateSlug is required'],
    ['generation/start', { templateSlug: 5, model: 'a/b' }, 'templateSlug must be a string, got 5'],
    ['generation/start', { templateSlug: 't' }, 'model is required'],
    ['generation/start', { templateSlug: 't', model: 42 }, 'model must be a string, got 42'],
    ['generation/start', { templateSlug: 't', model: '  ' }, 'model must not be empty'],
    [
      'generation/start',
      { templateSlug: 't', model: '..' },
      'model ".." cannot name a folder: its folder name would be "..", which leaves the output folder; give an OpenRouter model id such as "openai/gpt-4o"',
    ],
    [
      'generation/start',
      { templateSlug: 't', model: 'a/b', appNum: 1e308 },
      'appNum must be an integer from 1 to 100000, got 1e+308',
    ],
    ['generation/start', { templateSlug: 't', model: 'a/b', appNum: 100_000 }, undefined],
    [
      'generation/start',
      { templateSlug: 't', model: 'a/b', appNum: 100_001 },
      'appNum must be an integer from 1 to 100000, got 100001',
    ],
    [
      'generation/start',
      { templateSlug: 't', model: 'a/b', priority: 'high' },
      'priority must be a number from -1000000 to 1000000, got "high"',
    ],
    ['generation/start', { templateSlug: 't', model: 'a/b', components: ['frontend'] }, undefined],
    [
      'generation/start',
      { templateSlug: 't', model: 'a/b', components: [] },
      'components must list from 1 to 2 items, got 0',
    ],
    [
      'generation/start',
      { templateSlug: 't', model: 'a/b', components: ['db'] },
      'components[0] must be one of "backend", "frontend", got "db"',
    ],
    [
      'generation/start',
      { templateSlug: 't', model: 'a/b', options: 'hot' },
      'options must be an object, got a string',
    ],
    [
      'generation/start',
      { templateSlug: 't', model: 'a/b', options: { temperature: 3 } },
      'options.temperature must be a number from 0 to 2, got 3',
    ],
    [
      'generation/start',
      { templateSlug: 't', model: 'a/b', options: { maxTokens: 0.5 } },
      'options.maxTokens must be an integer from 1 to 1000000, got 0.5',
    ],
    [
      'generation/start',
      { templateSlug: 5, model: 5, appNum: 0 },
      'templateSlug must be a string, got 5; model must be a string, got 5; appNum must be an integer from 1 to 100000, got 0',
    ],
    ['generation/get', {}, 'jobId is required'],
    ['generation/get', { jobId: 5 }, 'jobId must be a string, got 5'],
    ['generation/get', { jobId: 'x'.repeat(201) }, 'jobId must be at most 200 characters, got 201'],
    ['generation/cancel', { jobId: '' }, 'jobId must not be empty'],
    ['generation/retry', { jobId: {} }, 'jobId must be a string, got {}'],
    [
      'generation/list',
      { status: 'done' },
      'status must be one of "queued", "running", "succeeded", "failed", "cancelled", got "done"',
    ],
    ['generation/list', { batchId: 1 }, 'batchId must be a string, got 1'],
    ['batch/start', {}, undefined],
    ['batch/start', { configPath: 5 }, 'configPath must be a string, got 5'],
    ['batch/start', { configPath: ' ' }, 'configPath must not be empty'],
    ['batch/status', {}, 'batchId is required'],
    ['batch/cancel', { batchId: false }, 'batchId must be a string, got false'],
    ['history/list', { limit: -1 }, 'limit must be an integer from 0 to 1000000, got -1'],
    ['history/list', { limit: '5' }, 'limit must be an integer from 0 to 1000000, got "5"'],
    [
      'history/list',
      { model: 1, templateSlug: 2, status: 'x' },
      'model must be a string, got 1; templateSlug must be a string, got 2; status must be one of "queued", "running", "succeeded", "failed", "cancelled", got "x"',
    ],
    ['history/importLegacy', {}, 'dbPath is required'],
    ['history/importLegacy', { dbPath: 5 }, 'dbPath must be a string, got 5'],
    ['models/list', { refresh: 'yes' }, 'refresh must be true or false, got "yes"'],
    ['models/list', { refresh: true }, undefined],
    [
      'prompts/render',
      { templateSlug: 'quiz_app', component: 'database' },
      'component must be one of "backend", "frontend", got "database"',
    ],
    ['prompts/render', { templateSlug: 'quiz_app' }, undefined],
    [
      'app/check',
      { jobId: 'j1', levels: ['static', 'deep'] },
      'levels[1] must be one of "static", "smoke", got "deep"',
    ],
    ['app/check', { jobId: 'j1', levels: ['static', 'smoke'] }, undefined],
    ['batch/check', { batchId: 'b1', levels: [] }, 'levels must list from 1 to 2 items, got 0'],
    ['batch/check', { batchId: 'b1' }, undefined],
    ['daemon/status', { anything: 1 }, undefined],
    ['daemon/resume', {}, undefined],
    ['daemon/shutdown', {}, undefined],
    ['templates/list', {}, undefined],
  ];
  for (const [method, params, problem] of cases) {
    it(`${method} ${JSON.stringify(params).slice(0, 70)}: ${problem ?? 'passes'}`, () => {
      assert.equal(problemOf(method, params), problem);
    });
  }

  it('refuse params nested deeper than 64 levels, without recursing', () => {
    const deep = (levels: number) => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`) as unknown;
    assert.equal(
      problemOf('generation/start', { templateSlug: 't', model: 'a/b', extra: deep(200_000) }),
      'params must not nest deeper than 64 levels',
    );
    assert.equal(
      problemOf('initialize', { config: { maxConcurrent: deep(63) } }),
      'params must not nest deeper than 64 levels',
    );
    assert.equal(
      problemOf('generation/start', { templateSlug: 't', model: 'a/b', extra: deep(63) }),
      undefined,
    );
  });

  it('never show the API key in a problem', () => {
    for (const params of [
      { apiKey: 12345 },
      { config: { apiKey: 98765 } },
      { config: { OPENROUTER_API_KEY: [4242] } },
    ]) {
      const problem = problemOf('initialize', params)!;
      assert.ok(!/12345|98765|4242/.test(problem), problem);
    }
  });

  it('cover every method with at least one refused case where it has fields', () => {
    const refused = new Set(cases.filter(([, , problem]) => problem !== undefined).map(([method]) => method));
    for (const method of Object.keys(PARAM_SCHEMAS) as RequestMethod[]) {
      if (Object.keys(PARAM_SCHEMAS[method]).length > 0) assert.ok(refused.has(method), method);
    }
  });
});
