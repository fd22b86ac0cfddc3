import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import { DaemonError } from '../../../daemon/daemon-error';
import { OpenRouterClient, type OpenRouterClientOptions } from '../../../daemon/openrouter/openrouter-client';
import { type ScriptedHttpServer, startScriptedHttpServer } from '../../support/scripted-http-server';

const PATH = '/api/v1/chat/completions';
const KEY = 'sk-or-v1-unit-test-key-0123456789';
const request = { model: 'acme/model', messages: [{ role: 'user' as const, content: 'hi' }] };

function sse(content: string, finish = 'stop'): string {
  const chunk = (delta: string, reason: string | null) =>
    `data: ${JSON.stringify({ id: 'gen-sse', choices: [{ index: 0, delta: { content: delta }, finish_reason: reason }] })}\n\n`;
  return `: OPENROUTER PROCESSING\n\n${chunk(content, null)}${chunk('', finish)}data: [DONE]\n\n`;
}

const SSE_HEADERS = { 'content-type': 'text/event-stream' };

async function rejection(promise: Promise<unknown>): Promise<DaemonError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DaemonError, `expected a DaemonError, got ${inspect(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('OpenRouterClient (against a scripted HTTP server)', () => {
  let server: ScriptedHttpServer;
  let delays: number[];

  function client(overrides: Partial<OpenRouterClientOptions> = {}): OpenRouterClient {
    return new OpenRouterClient({
      baseUrl: `${server.origin}/api/v1/`,
      apiKey: KEY,
      maxRetries: 2,
      backoffBaseMs: 100,
      timeoutMs: 5000,
      random: () => 0,
      sleep: async (ms) => {
        delays.push(ms);
      },
      ...overrides,
    });
  }

  beforeEach(async () => {
    server = await startScriptedHttpServer();
    delays = [];
  });

  afterEach(async () => {
    const { unexpected } = server;
    const left = server.pending();
    await server.close();
    assert.equal(unexpected, 0, 'a request found no scripted reply');
    assert.equal(left, 0, 'a scripted reply was never asked for');
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
    server.reply({ status: 503, body: { error: { message: 'busy', code: 503 } } }, 2);
    server.reply({ status: 200, body: sse('done'), headers: SSE_HEADERS });
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
    server.reply({ status: 502, body: 'Bad gateway' }, 3);
    const error = await rejection(client().complete(request));
    assert.equal(error.code, 'upstream');
    assert.equal(error.data.status, 502);
    assert.equal(error.data.attempts, 3);
    assert.match(error.message, /HTTP 502: Bad gateway/);
  });

  it('aborting during the backoff wait rejects at once with cancelled', async () => {
    server.reply({ status: 503, body: 'busy' });
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
    server.reply({ status: 503, body: 'busy' });
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
    server.reply({
      status: 429,
      body: { error: { message: 'slow down' } },
      headers: { 'retry-after': 'Sun, 09 Feb 2025 10:00:05 GMT' },
    });
    server.reply({ status: 200, body: sse('ok'), headers: SSE_HEADERS });
    const result = await client({ now: () => now }).complete(request);
    assert.equal(result.attempts, 2);
    assert.deepEqual(delays, [5000]);
  });

  it('retries 402 only when it carries a Retry-After', async () => {
    server.reply({ status: 402, body: { error: { message: 'no credits' } } });
    const error = await rejection(client().complete(request));
    assert.equal(error.code, 'insufficient_credits');
    assert.equal(error.data.attempts, 1);

    server.reply({
      status: 402,
      body: { error: { message: 'topping up' } },
      headers: { 'retry-after': '2' },
    });
    server.reply({ status: 200, body: sse('paid'), headers: SSE_HEADERS });
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
    server.reply({
      status: 200,
      body: `\n\n${JSON.stringify(body)}`,
      headers: { 'content-type': 'application/json' },
    });
    const result = await client().complete(request);
    assert.equal(result.content, 'json answer');
    assert.equal(result.generationId, 'gen-json');
    assert.equal(result.provider, 'Acme');
    assert.deepEqual(result.usage, { promptTokens: 4, completionTokens: 2, costUsd: 0.5 });
  });

  it('prefers the X-Generation-Id header over the id field', async () => {
    server.reply({
      status: 200,
      body: sse('x'),
      headers: { 'content-type': 'text/event-stream', 'x-generation-id': 'gen-header' },
    });
    assert.equal((await client().complete(request)).generationId, 'gen-header');
  });

  it('fails with truncated, keeping the raw response, and does not retry', async () => {
    server.reply({ status: 200, body: sse('```python\nprint(', 'length'), headers: SSE_HEADERS });
    const error = await rejection(client().complete(request));
    assert.equal(error.code, 'truncated');
    assert.equal(error.data.attempts, 1);
    assert.match(error.data.rawResponse ?? '', /finish_reason":"length"/);
    assert.deepEqual(delays, []);
  });

  it('a cut-off answer carries the usage and generation id it was billed under', async () => {
    const usage = `data: ${JSON.stringify({ id: 'gen-cut', choices: [], usage: { prompt_tokens: 40, completion_tokens: 900, cost: 0.0123 } })}\n\n`;
    const body = sse('```python\nprint(', 'length').replace(
      'data: [DONE]',
      `${usage.trimEnd()}\n\ndata: [DONE]`,
    );
    server.reply({ status: 200, body, headers: SSE_HEADERS });
    const error = await rejection(client().complete(request));
    assert.equal(error.code, 'truncated');
    assert.deepEqual(error.data.usage, { promptTokens: 40, completionTokens: 900, costUsd: 0.0123 });
    assert.deepEqual(error.data.generationIds, ['gen-sse']);
  });

  it('a failed attempt with usage is billed, and the success after it counts that attempt too', async () => {
    // A JSON answer that failed before any text (so it is retried), billed for its prompt.
    const failed = {
      id: 'gen-late',
      choices: [{ index: 0, message: { content: '' }, finish_reason: 'error', error: { message: 'gone' } }],
      usage: { prompt_tokens: 10, completion_tokens: 5, cost: 0.001 },
    };
    server.reply({ status: 200, body: failed });
    server.reply({
      status: 200,
      body: {
        id: 'gen-ok',
        choices: [{ index: 0, message: { content: 'done' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 20, cost: 0.002 },
      },
    });
    const result = await client().complete(request);
    assert.equal(result.content, 'done');
    assert.equal(result.attempts, 2);
    assert.equal(result.generationId, 'gen-ok');
    assert.deepEqual(result.billedGenerationIds, ['gen-late']);
    assert.equal(result.usage?.promptTokens, 20);
    assert.equal(result.usage?.completionTokens, 25);
    assert.ok(Math.abs((result.usage?.costUsd ?? 0) - 0.003) < 1e-12);
  });

  it('a streamed answer failing after some text is billed with the usage its error event carried', async () => {
    const event = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;
    const body =
      event({
        id: 'gen-mid',
        choices: [{ index: 0, delta: { content: 'half an app' }, finish_reason: null }],
      }) +
      event({
        id: 'gen-mid',
        error: { code: 502, message: 'Provider disconnected' },
        usage: { prompt_tokens: 7, completion_tokens: 3, cost: 0.0004 },
        choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
      });
    server.reply({ status: 200, body, headers: SSE_HEADERS });
    const error = await rejection(client().complete(request));
    assert.equal(error.code, 'upstream');
    assert.equal(error.data.attempts, 1, 'text had arrived, so it is not tried again');
    assert.deepEqual(error.data.usage, { promptTokens: 7, completionTokens: 3, costUsd: 0.0004 });
    assert.deepEqual(error.data.generationIds, ['gen-mid']);
  });

  it('a failure without any usage carries none', async () => {
    server.reply({ status: 502, body: 'Bad gateway' }, 3);
    const error = await rejection(client().complete(request));
    assert.equal(error.data.usage, undefined);
    assert.equal(error.data.generationIds, undefined);
  });

  it('treats a success status with an HTML page as unusable, retries, then fails with upstream', async () => {
    server.reply(
      {
        status: 200,
        body: '<html><title>Maintenance</title></html>',
        headers: { 'content-type': 'text/html' },
      },
      3,
    );
    const error = await rejection(client().complete(request));
    assert.equal(error.code, 'upstream');
    assert.equal(error.data.attempts, 3);
    assert.match(error.message, /Maintenance/);
  });

  it('scrubs the key from upstream error text, the raw response and the whole error object', async () => {
    server.reply({ status: 401, body: { error: { message: `Invalid key ${KEY} (Bearer ${KEY})` } } });
    const error = await rejection(client().complete(request));
    assert.equal(error.code, 'unauthorized');
    assert.ok(!error.message.includes(KEY), error.message);
    assert.ok(!(error.data.rawResponse ?? '').includes(KEY));
    assert.ok(!inspect(error, { depth: 10 }).includes(KEY));
    assert.ok(!JSON.stringify(error.data).includes(KEY));
  });

  it('scrubs the key from every string of an answer: text, generation id, provider, model, raw body', async () => {
    const echo = `(saw Bearer ${KEY})`;
    const chunk = {
      id: `gen-${echo}`,
      provider: `Acme ${echo}`,
      model: `acme/model ${echo}`,
      choices: [{ index: 0, delta: { content: `code ${KEY}` }, finish_reason: 'stop' }],
    };
    server.reply({
      status: 200,
      body: `data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`,
      headers: { ...SSE_HEADERS, 'x-generation-id': `gen-header ${KEY}` },
    });
    server.reply({ status: 200, body: { ...chunk, choices: [{ message: { content: `json ${KEY}` } }] } });
    const streamed = await client().complete(request);
    assert.equal(streamed.content, 'code [redacted]');
    assert.equal(streamed.generationId, 'gen-header [redacted]');
    assert.equal(streamed.provider, 'Acme (saw Bearer [redacted])');
    assert.equal(streamed.model, 'acme/model (saw Bearer [redacted])');
    const json = await client().complete(request);
    assert.equal(json.content, 'json [redacted]');
    assert.equal(json.generationId, 'gen-(saw Bearer [redacted])');
    for (const result of [streamed, json]) assert.ok(!JSON.stringify(result).includes(KEY));
  });

  it('scrubs keys it was told of before, and the key from the model list', async () => {
    const { SecretScrubber } = await import('../../../daemon/secret-scrubber');
    const scrubber = new SecretScrubber(['an-older-key-0123456789']);
    server.reply({ status: 200, body: sse('old an-older-key-0123456789'), headers: SSE_HEADERS });
    server.reply({ status: 200, body: { data: [{ id: `a/${KEY}`, name: `Named ${KEY}` }] } });
    assert.equal((await client({ scrubber }).complete(request)).content, 'old [redacted]');
    assert.deepEqual(await client({ scrubber }).listModels(), [
      { id: 'a/[redacted]', name: 'Named [redacted]' },
    ]);
  });

  it('stops a body past maxResponseBytes and fails with response_too_large, without retrying', async () => {
    const content = 'x'.repeat(8 * 1024);
    server.reply({ status: 200, body: { choices: [{ message: { content }, finish_reason: 'stop' }] } });
    server.reply({
      status: 200,
      body: `${': OPENROUTER PROCESSING\n\n'.repeat(400)}${sse('late')}`,
      headers: SSE_HEADERS,
    });
    server.reply({ status: 500, body: 'e'.repeat(8 * 1024) });
    for (let i = 0; i < 3; i++) {
      const error = await rejection(client({ maxResponseBytes: 4096 }).complete(request));
      assert.equal(error.code, 'response_too_large');
      assert.equal(error.data.attempts, 1);
      assert.match(error.message, /passed the limit of 4096 bytes/);
      assert.match(error.data.rawResponse ?? '', /kept only the first \d+ characters/);
    }
    assert.deepEqual(delays, [], 'no retry');
  });

  it('counts a streamed answer as its text, not as the events that carry it', async () => {
    const events = Array.from(
      { length: 200 },
      (_, i) =>
        `data: ${JSON.stringify({ id: 'gen-long', choices: [{ index: 0, delta: { content: `${i % 10}` }, finish_reason: null }] })}\n\n`,
    ).join('');
    const body = `${events}${sse('!')}`;
    assert.ok(Buffer.byteLength(body) > 4 * 4096);
    server.reply({ status: 200, body, headers: SSE_HEADERS });
    const result = await client({ maxResponseBytes: 4096 }).complete(request);
    assert.equal(result.content.length, 201);
  });

  it('passes the gate before each attempt and tells it how each ended, holding nothing while it waits', async () => {
    server.reply({ status: 503, body: { error: { message: 'busy' } } });
    server.reply({ status: 200, body: sse('done'), headers: SSE_HEADERS });
    const events: string[] = [];
    const result = await client({
      sleep: async (ms) => {
        events.push(`sleep ${ms}`);
      },
    }).complete(request, {
      gate: async () => {
        events.push('enter');
        return (end) => events.push(`leave ${end.ok ? 'ok' : end.overloaded ? 'overloaded' : 'failed'}`);
      },
      onAttempt: (n) => events.push(`attempt ${n}`),
    });
    assert.equal(result.content, 'done');
    assert.deepEqual(events, [
      'enter',
      'attempt 1',
      'leave overloaded',
      'sleep 100',
      'enter',
      'attempt 2',
      'leave ok',
    ]);
  });

  it('a call cancelled while its attempt waits at the gate fails with cancelled, no request made', async () => {
    const controller = new AbortController();
    const call = client().complete(request, {
      signal: controller.signal,
      gate: (signal) =>
        new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
    });
    controller.abort();
    const error = await rejection(call);
    assert.equal(error.code, 'cancelled');
    assert.equal(error.data.attempts, 0);
    assert.equal(server.requests.length, 0);
  });

  it('maps a refused connection to network after retries, with no status', async () => {
    const closed = await startScriptedHttpServer();
    await closed.close();
    const error = await rejection(client({ baseUrl: `${closed.origin}/api/v1` }).complete(request));
    assert.equal(error.code, 'network');
    assert.equal(error.data.attempts, 3);
    assert.equal(error.data.status, undefined);
    assert.match(error.message, /ECONNREFUSED/);
  });

  it('maps a connection closed before any answer to network, and retries it', async () => {
    server.reply({ hangUp: true });
    server.reply({ status: 200, body: sse('after the hang-up'), headers: SSE_HEADERS });
    const result = await client().complete(request);
    assert.equal(result.content, 'after the hang-up');
    assert.equal(result.attempts, 2);
  });

  it('refuses a base URL that is not http(s)', async () => {
    for (const baseUrl of ['not a url', 'ftp://example.test/api']) {
      const error = await rejection(client({ baseUrl }).complete(request));
      assert.equal(error.code, 'invalid_params');
    }
  });

  it('lists models with their prices', async () => {
    server.reply({
      status: 200,
      body: {
        data: [{ id: 'a/b', name: 'A B', pricing: { prompt: '0.000001', completion: '0.000002' } }],
      },
    });
    assert.deepEqual(await client({ apiKey: undefined }).listModels(), [
      { id: 'a/b', name: 'A B', promptPrice: 0.000001, completionPrice: 0.000002 },
    ]);
    const [sent] = server.requests;
    assert.equal(sent?.method, 'GET');
    assert.equal(sent?.path, '/api/v1/models');
    assert.equal(sent?.headers.authorization, undefined, 'no key, no Authorization header');
  });

  it('posts the chat request as JSON with the key, the attribution headers and a length', async () => {
    server.reply({ status: 200, body: sse('hello'), headers: SSE_HEADERS });
    await client().complete({ ...request, maxTokens: 100 });
    const [sent] = server.requests;
    assert.equal(sent?.method, 'POST');
    assert.equal(sent?.path, PATH);
    assert.equal(sent?.headers.authorization, `Bearer ${KEY}`);
    assert.equal(sent?.headers['x-title'], 'AppGen');
    assert.equal(sent?.headers['content-type'], 'application/json');
    assert.equal(sent?.headers['content-length'], String(Buffer.byteLength(sent?.body ?? '')));
    assert.deepEqual(JSON.parse(sent?.body ?? ''), {
      model: 'acme/model',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 100,
      stream: true,
      usage: { include: true },
    });
  });

  it('keeps one connection for calls made one after another', async () => {
    server.reply({ status: 200, body: sse('one'), headers: SSE_HEADERS });
    server.reply({ status: 200, body: sse('two'), headers: SSE_HEADERS });
    const c = client();
    assert.equal((await c.complete(request)).content, 'one');
    assert.equal((await c.complete(request)).content, 'two');
    assert.equal(server.connections(), 1);
  });
});
