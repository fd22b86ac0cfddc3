import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import { MockAgent } from 'undici';
import { DaemonError } from '../../../daemon/daemon-error';
import { OpenRouterClient, type OpenRouterClientOptions } from '../../../daemon/openrouter/openrouter-client';

const ORIGIN = 'http://openrouter.test';
const PATH = '/api/v1/chat/completions';
const KEY = 'sk-or-v1-unit-test-key-0123456789';
const request = { model: 'acme/model', messages: [{ role: 'user' as const, content: 'hi' }] };

function sse(content: string, finish = 'stop'): string {
  const chunk = (delta: string, reason: string | null) =>
    `data: ${JSON.stringify({ id: 'gen-sse', choices: [{ index: 0, delta: { content: delta }, finish_reason: reason }] })}\n\n`;
  return `: OPENROUTER PROCESSING\n\n${chunk(content, null)}${chunk('', finish)}data: [DONE]\n\n`;
}

const SSE_HEADERS = { headers: { 'content-type': 'text/event-stream' } };

async function rejection(promise: Promise<unknown>): Promise<DaemonError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DaemonError, `expected a DaemonError, got ${inspect(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('OpenRouterClient (mocked HTTP)', () => {
  let agent: MockAgent;
  let delays: number[];

  function client(overrides: Partial<OpenRouterClientOptions> = {}): OpenRouterClient {
    return new OpenRouterClient({
      baseUrl: `${ORIGIN}/api/v1/`,
      apiKey: KEY,
      maxRetries: 2,
      backoffBaseMs: 100,
      timeoutMs: 5000,
      dispatcher: agent,
      random: () => 0,
      sleep: async (ms) => {
        delays.push(ms);
      },
      ...overrides,
    });
  }

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    delays = [];
  });

  afterEach(async () => {
    await agent.close();
  });

  it('fails with unauthorized before any request when there is no API key', async () => {
    for (const apiKey of [undefined, '', '   ']) {
      const error = await rejection(client({ apiKey }).complete(request));
      assert.equal(error.code, 'unauthorized');
      assert.equal(error.data.attempts, 0);
      assert.match(error.message, /No OpenRouter API key/);
    }
  });

  it('retries with exponential backoff and reports each retry', async () => {
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: PATH, method: 'POST' })
      .reply(503, { error: { message: 'busy', code: 503 } })
      .times(2);
    pool.intercept({ path: PATH, method: 'POST' }).reply(200, sse('done'), SSE_HEADERS);
    const notices: Array<{ attempt: number; delayMs: number; code: string }> = [];
    const attempts: number[] = [];
    const result = await client().complete(request, {
      onRetry: (n) => notices.push({ attempt: n.attempt, delayMs: n.delayMs, code: n.error.code }),
      onAttempt: (n) => attempts.push(n),
    });
    assert.equal(result.content, 'done');
    assert.equal(result.attempts, 3);
    assert.deepEqual(delays, [100, 200]);
    assert.deepEqual(attempts, [1, 2, 3]);
    assert.deepEqual(notices, [
      { attempt: 1, delayMs: 100, code: 'upstream' },
      { attempt: 2, delayMs: 200, code: 'upstream' },
    ]);
  });

  it('gives up after maxRetries retries with the last error and the attempt count', async () => {
    agent.get(ORIGIN).intercept({ path: PATH, method: 'POST' }).reply(502, 'Bad gateway').times(3);
    const error = await rejection(client().complete(request));
    assert.equal(error.code, 'upstream');
    assert.equal(error.data.status, 502);
    assert.equal(error.data.attempts, 3);
    assert.match(error.message, /HTTP 502: Bad gateway/);
  });

  it('aborting during the backoff wait rejects at once with cancelled', async () => {
    agent.get(ORIGIN).intercept({ path: PATH, method: 'POST' }).reply(503, 'busy');
    const controller = new AbortController();
    let waiting: () => void = () => {};
    const waitStarted = new Promise<void>((resolve) => {
      waiting = resolve;
    });
    const call = client({
      // A wait that would never end on its own: only the abort can finish the call.
      sleep: () => {
        waiting();
        return new Promise<void>(() => {});
      },
    }).complete(request, { signal: controller.signal });
    await waitStarted;
    controller.abort();
    const error = await rejection(call);
    assert.equal(error.code, 'cancelled');
    assert.equal(error.data.attempts, 1);
  });

  it('aborting during the default backoff wait does not sit out the wait', async () => {
    agent.get(ORIGIN).intercept({ path: PATH, method: 'POST' }).reply(503, 'busy');
    const controller = new AbortController();
    const call = client({ sleep: undefined, backoffBaseMs: 3_600_000 }).complete(request, {
      signal: controller.signal,
      onRetry: () => controller.abort(),
    });
    const error = await rejection(call);
    assert.equal(error.code, 'cancelled');
  });

  it('fails with cancelled and makes no request when the signal is already aborted', async () => {
    const error = await rejection(client().complete(request, { signal: AbortSignal.abort() }));
    assert.equal(error.code, 'cancelled');
    assert.equal(error.data.attempts, 0);
  });

  it('waits the Retry-After HTTP date, measured on the injected clock', async () => {
    const now = Date.UTC(2025, 1, 9, 10, 0, 0);
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: PATH, method: 'POST' })
      .reply(
        429,
        { error: { message: 'slow down' } },
        { headers: { 'retry-after': 'Sun, 09 Feb 2025 10:00:05 GMT' } },
      );
    pool.intercept({ path: PATH, method: 'POST' }).reply(200, sse('ok'), SSE_HEADERS);
    const result = await client({ now: () => now }).complete(request);
    assert.equal(result.attempts, 2);
    assert.deepEqual(delays, [5000]);
  });

  it('retries 402 only when it carries a Retry-After', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: PATH, method: 'POST' }).reply(402, { error: { message: 'no credits' } });
    const error = await rejection(client().complete(request));
    assert.equal(error.code, 'insufficient_credits');
    assert.equal(error.data.attempts, 1);

    pool
      .intercept({ path: PATH, method: 'POST' })
      .reply(402, { error: { message: 'topping up' } }, { headers: { 'retry-after': '2' } });
    pool.intercept({ path: PATH, method: 'POST' }).reply(200, sse('paid'), SSE_HEADERS);
    const result = await client().complete(request);
    assert.equal(result.content, 'paid');
    assert.deepEqual(delays, [2000]);
  });

  it('reads a JSON answer and falls back to the id field for the generation id', async () => {
    const body = {
      id: 'gen-json',
      provider: 'Acme',
      model: 'acme/model',
      choices: [{ message: { content: 'json answer' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 4, completion_tokens: 2, cost: 0.5 },
    };
    agent
      .get(ORIGIN)
      .intercept({ path: PATH, method: 'POST' })
      .reply(200, `\n\n${JSON.stringify(body)}`, { headers: { 'content-type': 'application/json' } });
    const result = await client().complete(request);
    assert.equal(result.content, 'json answer');
    assert.equal(result.generationId, 'gen-json');
    assert.equal(result.provider, 'Acme');
    assert.deepEqual(result.usage, { promptTokens: 4, completionTokens: 2, costUsd: 0.5 });
  });

  it('prefers the X-Generation-Id header over the id field', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: PATH, method: 'POST' })
      .reply(200, sse('x'), {
        headers: { 'content-type': 'text/event-stream', 'x-generation-id': 'gen-header' },
      });
    assert.equal((await client().complete(request)).generationId, 'gen-header');
  });

  it('fails with truncated, keeping the raw response, and does not retry', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: PATH, method: 'POST' })
      .reply(200, sse('```python\nprint(', 'length'), SSE_HEADERS);
    const error = await rejection(client().complete(request));
    assert.equal(error.code, 'truncated');
    assert.equal(error.data.attempts, 1);
    assert.match(error.data.rawResponse ?? '', /finish_reason":"length"/);
    assert.deepEqual(delays, []);
  });

  it('treats a success status with an HTML page as unusable, retries, then fails with upstream', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: PATH, method: 'POST' })
      .reply(200, '<html><title>Maintenance</title></html>', { headers: { 'content-type': 'text/html' } })
      .times(3);
    const error = await rejection(client().complete(request));
    assert.equal(error.code, 'upstream');
    assert.equal(error.data.attempts, 3);
    assert.match(error.message, /Maintenance/);
  });

  it('scrubs the key from upstream error text, the raw response and the whole error object', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: PATH, method: 'POST' })
      .reply(401, { error: { message: `Invalid key ${KEY} (Bearer ${KEY})` } });
    const error = await rejection(client().complete(request));
    assert.equal(error.code, 'unauthorized');
    assert.ok(!error.message.includes(KEY), error.message);
    assert.ok(!(error.data.rawResponse ?? '').includes(KEY));
    assert.ok(!inspect(error, { depth: 10 }).includes(KEY));
    assert.ok(!JSON.stringify(error.data).includes(KEY));
  });

  it('maps a connection failure to network after retries', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: PATH, method: 'POST' })
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
      .times(3);
    const error = await rejection(client().complete(request));
    assert.equal(error.code, 'network');
    assert.equal(error.data.attempts, 3);
    assert.equal(error.data.status, undefined);
  });

  it('refuses a base URL that is not http(s)', async () => {
    for (const baseUrl of ['not a url', 'ftp://example.test/api']) {
      const error = await rejection(client({ baseUrl }).complete(request));
      assert.equal(error.code, 'invalid_params');
    }
  });

  it('lists models with their prices', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/api/v1/models', method: 'GET' })
      .reply(200, {
        data: [{ id: 'a/b', name: 'A B', pricing: { prompt: '0.000001', completion: '0.000002' } }],
      });
    assert.deepEqual(await client({ apiKey: undefined }).listModels(), [
      { id: 'a/b', name: 'A B', promptPrice: 0.000001, completionPrice: 0.000002 },
    ]);
  });
});
