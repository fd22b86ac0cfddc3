import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { inspect } from 'node:util';
import { DaemonError } from '../../daemon/daemon-error';
import { OpenRouterClient, type OpenRouterClientOptions } from '../../daemon/openrouter/openrouter-client';
import type { ChatRequest, ChatResult, RetryNotice } from '../../daemon/provider/chat-call';
import type { SimStep } from '../../daemon/simulator/sim-step';
import { type RecordedRequest, startSimulator } from '../../daemon/simulator/simulator';
import type { ErrorCode } from '../../shared/errors';
import { suiteSimulator } from '../support/suite-simulator';

const KEY = 'sk-or-v1-daemon-test-secret-abcdef0123456789';
const MODEL = 'acme/coder';

const backendRequest: ChatRequest = {
  model: MODEL,
  messages: [
    { role: 'system', content: 'You write Flask backend code.' },
    { role: 'user', content: 'Endpoints: GET /api/notes, POST /api/notes' },
  ],
};

describe('OpenRouterClient against the simulator', () => {
  const sim = suiteSimulator();

  function client(overrides: Partial<OpenRouterClientOptions> = {}): OpenRouterClient {
    return new OpenRouterClient({
      baseUrl: sim().url,
      apiKey: KEY,
      maxRetries: 2,
      backoffBaseMs: 1,
      timeoutMs: 5000,
      random: () => 0,
      ...overrides,
    });
  }

  /** The call's error, checked to be a DaemonError that nowhere mentions the key. */
  async function failure(call: Promise<ChatResult>): Promise<DaemonError> {
    try {
      await call;
    } catch (error) {
      assert.ok(error instanceof DaemonError, `expected a DaemonError, got ${inspect(error)}`);
      assert.ok(!inspect(error, { depth: 10 }).includes(KEY), 'the key leaked into the error');
      assert.ok(!error.message.includes('[object Object]'), error.message);
      return error;
    }
    assert.fail('expected the call to fail');
  }

  /** Every recorded chat request, once the simulator has seen each exchange end. */
  async function settled(): Promise<RecordedRequest[]> {
    while (sim().chatRequests.some((request) => request.outcome === undefined)) await once(sim(), 'finished');
    return sim().chatRequests;
  }

  function served(): Array<string | undefined> {
    return sim().chatRequests.map((request) => request.served);
  }

  describe('normal answers', () => {
    it('streams an answer with usage, cost, generation id, provider and model', async () => {
      const result = await client().complete(backendRequest);
      assert.match(result.content, /```python[ :]app\.py/);
      assert.match(result.content, /acme\/coder/);
      assert.equal(result.finishReason, 'stop');
      assert.equal(result.attempts, 1);
      assert.equal(result.status, 200);
      assert.match(result.generationId ?? '', /^gen-sim-/);
      assert.equal(result.provider, 'Simulator');
      assert.equal(result.model, MODEL);
      assert.ok(result.usage && result.usage.promptTokens > 0 && result.usage.completionTokens > 0);
      assert.ok((result.usage?.costUsd ?? 0) > 0);
      assert.match(result.rawResponse, /^: OPENROUTER PROCESSING/);
      assert.ok(result.durationMs >= 0);
    });

    it('sends the key, referer and title headers and the request body the contract describes', async () => {
      const result = await client({ referer: 'https://example.test/app', title: 'AppGen Tests' }).complete({
        ...backendRequest,
        temperature: 0.3,
        maxTokens: 1234,
      });
      const [recorded] = await settled();
      assert.ok(recorded);
      assert.equal(recorded.headers.authorization, `Bearer ${KEY}`);
      assert.equal(recorded.headers['http-referer'], 'https://example.test/app');
      assert.equal(recorded.headers['x-title'], 'AppGen Tests');
      assert.match(String(recorded.headers['content-type']), /application\/json/);
      assert.deepEqual(recorded.body, {
        model: MODEL,
        messages: backendRequest.messages,
        temperature: 0.3,
        max_tokens: 1234,
        stream: true,
        usage: { include: true },
      });
      assert.deepEqual(result.requestPayload, recorded.body);
      assert.ok(!JSON.stringify(result).includes(KEY), 'the key leaked into the result');
    });

    it('leaves temperature and max_tokens out when not given', async () => {
      await client().complete(backendRequest);
      const body = sim().chatRequests[0]?.body as Record<string, unknown>;
      assert.ok(!('temperature' in body));
      assert.ok(!('max_tokens' in body));
    });

    it('accepts a base URL with a trailing slash', async () => {
      const result = await client({ baseUrl: `${sim().url}/` }).complete(backendRequest);
      assert.equal(result.attempts, 1);
      assert.equal(sim().chatRequests[0]?.path, '/api/v1/chat/completions');
    });

    it('reads a JSON answer sent to a streaming request', async () => {
      sim().enqueueFaults([{ kind: 'ok', format: 'json' }]);
      const result = await client().complete(backendRequest);
      assert.match(result.content, /from flask import Flask/);
      assert.match(result.generationId ?? '', /^gen-sim-/);
      assert.ok(result.rawResponse.startsWith('{'));
      assert.ok(result.usage);
    });

    it('reads a JSON answer that follows whitespace keep-alives', async () => {
      sim().enqueueFaults([{ kind: 'ok', format: 'json', keepAlives: 3 }]);
      const result = await client().complete(backendRequest);
      assert.ok(result.rawResponse.startsWith('\n\n\n{'));
      assert.match(result.content, /from flask import Flask/);
    });

    it('ignores many keep-alive comments in a stream', async () => {
      sim().enqueueFaults([{ kind: 'ok', keepAlives: 5 }]);
      const result = await client().complete(backendRequest);
      assert.equal((result.rawResponse.match(/: OPENROUTER PROCESSING/g) ?? []).length, 5);
      assert.match(result.content, /from flask import Flask/);
    });

    it('answers after a configured latency that stays within the time limit', async () => {
      sim().enqueueFaults([{ kind: 'ok', latencyMs: 50 }]);
      const result = await client({ timeoutMs: 5000 }).complete(backendRequest);
      assert.equal(result.attempts, 1);
    });
  });

  describe('faults that are retried', () => {
    const cases: Array<{ fault: SimStep; code: ErrorCode; status?: number; message: RegExp }> = [
      { fault: 'reset', code: 'network', message: /Could not reach/ },
      { fault: 'cut-body', code: 'network', status: 200, message: /cut off mid-transfer/ },
      { fault: 'cut-stream', code: 'network', status: 200, message: /cut off mid-transfer/ },
      { fault: 'http408', code: 'upstream', status: 408, message: /HTTP 408/ },
      { fault: 'http500', code: 'upstream', status: 500, message: /HTTP 500: Internal Server Error/ },
      { fault: 'http500string', code: 'upstream', status: 500, message: /HTTP 500: Internal error/ },
      { fault: 'http502html', code: 'upstream', status: 502, message: /HTTP 502: 502 Bad Gateway/ },
      { fault: 'http503', code: 'upstream', status: 503, message: /overloaded/ },
      { fault: 'http504', code: 'upstream', status: 504, message: /HTTP 504/ },
      { fault: 'http200html', code: 'upstream', status: 200, message: /no usable answer: Maintenance/ },
      {
        fault: 'stream-error',
        code: 'upstream',
        status: 502,
        message: /Provider disconnected before answering/,
      },
      { fault: 'stream-finish-error', code: 'upstream', status: 200, message: /mid-answer/ },
      {
        fault: { kind: 'http429', retryAfter: '0' },
        code: 'rate_limited',
        status: 429,
        message: /HTTP 429: Provider returned error/,
      },
    ];

    for (const { fault, code, status, message } of cases) {
      const name = typeof fault === 'string' ? fault : fault.kind;

      it(`${name}: retried up to maxRetries, then fails with ${code}`, async () => {
        sim().enqueueFaults([fault, fault, fault]);
        const error = await failure(client().complete(backendRequest));
        assert.equal(error.code, code);
        assert.equal(error.data.attempts, 3);
        assert.equal(error.data.status, status);
        assert.match(error.message, message);
        assert.match(error.message, /gave up after 3 attempts/);
        assert.equal((await settled()).length, 3);
      });

      it(`${name}: succeeds when the next attempt is answered`, async () => {
        sim().enqueueFaults([fault]);
        const notices: RetryNotice[] = [];
        const result = await client().complete(backendRequest, { onRetry: (notice) => notices.push(notice) });
        assert.equal(result.attempts, 2);
        assert.deepEqual(served(), [name, 'ok']);
        assert.equal(notices.length, 1);
        assert.equal(notices[0]?.error.code, code);
      });
    }

    it('reset: the simulator records connections it dropped', async () => {
      sim().enqueueFaults(['reset', 'reset', 'reset']);
      await failure(client().complete(backendRequest));
      assert.deepEqual(
        (await settled()).map((request) => request.outcome),
        ['server-closed', 'server-closed', 'server-closed'],
      );
    });

    it('http429: waits the Retry-After instead of the backoff', async () => {
      sim().enqueueFaults([{ kind: 'http429', retryAfter: '0' }]);
      const notices: RetryNotice[] = [];
      // A backoff this long would exceed the test's time limit; only Retry-After: 0 lets it finish.
      const result = await client({ backoffBaseMs: 600_000 }).complete(backendRequest, {
        onRetry: (notice) => notices.push(notice),
      });
      assert.equal(result.attempts, 2);
      assert.equal(notices[0]?.delayMs, 0);
      assert.equal(notices[0]?.error.data.retryAfterMs, 0);
    });

    it('http429: the final error carries the Retry-After wait', async () => {
      sim().enqueueFaults([{ kind: 'http429', retryAfter: '0' }]);
      const error = await failure(client({ maxRetries: 0 }).complete(backendRequest));
      assert.equal(error.code, 'rate_limited');
      assert.equal(error.data.retryAfterMs, 0);
    });

    it('http402 with Retry-After: retried', async () => {
      sim().enqueueFaults([{ kind: 'http402', retryAfter: '0' }]);
      const result = await client().complete(backendRequest);
      assert.equal(result.attempts, 2);
    });

    it('stall: every attempt times out, then fails with timeout', async () => {
      sim().enqueueFaults(['stall', 'stall']);
      const error = await failure(client({ timeoutMs: 150, maxRetries: 1 }).complete(backendRequest));
      assert.equal(error.code, 'timeout');
      assert.equal(error.data.attempts, 2);
      assert.equal(error.data.status, undefined);
      assert.deepEqual(
        (await settled()).map((request) => request.outcome),
        ['client-closed', 'client-closed'],
      );
    });

    it('stall-body: a body that stops arriving times out too', async () => {
      sim().enqueueFaults(['stall-body', 'stall-body']);
      const error = await failure(client({ timeoutMs: 150, maxRetries: 1 }).complete(backendRequest));
      assert.equal(error.code, 'timeout');
      assert.equal(error.data.status, 200);
      assert.equal(error.data.attempts, 2);
    });

    it('stall: a timed-out attempt is followed by a good one', async () => {
      sim().enqueueFaults(['stall']);
      const result = await client({ timeoutMs: 1000 }).complete(backendRequest);
      assert.equal(result.attempts, 2);
    });

    it('latency past the time limit: fails with timeout', async () => {
      sim().enqueueFaults([{ kind: 'ok', latencyMs: 10_000 }]);
      const error = await failure(client({ timeoutMs: 100, maxRetries: 0 }).complete(backendRequest));
      assert.equal(error.code, 'timeout');
    });

    it('a closed port: fails with network after the retries', async () => {
      const gone = await startSimulator();
      const url = gone.url;
      await gone.close();
      const error = await failure(client({ baseUrl: url }).complete(backendRequest));
      assert.equal(error.code, 'network');
      assert.equal(error.data.attempts, 3);
    });
  });

  describe('faults that are not retried', () => {
    const cases: Array<{ fault: SimStep; code: ErrorCode; status: number; message: RegExp }> = [
      { fault: 'http400', code: 'bad_request', status: 400, message: /HTTP 400: Invalid request/ },
      { fault: 'http401', code: 'unauthorized', status: 401, message: /HTTP 401: No auth credentials found/ },
      {
        fault: 'http402',
        code: 'insufficient_credits',
        status: 402,
        message: /HTTP 402: Insufficient credits/,
      },
      { fault: 'http403', code: 'forbidden', status: 403, message: /HTTP 403/ },
      { fault: 'http404', code: 'bad_request', status: 404, message: /No endpoints found for acme\/coder/ },
      {
        fault: 'stream-error-after-content',
        code: 'upstream',
        status: 502,
        message: /Provider disconnected mid-answer/,
      },
    ];

    for (const { fault, code, status, message } of cases) {
      const name = typeof fault === 'string' ? fault : fault.kind;
      it(`${name}: fails at once with ${code}`, async () => {
        sim().enqueueFaults([fault, fault, fault]);
        const error = await failure(client().complete(backendRequest));
        assert.equal(error.code, code);
        assert.equal(error.data.status, status);
        assert.equal(error.data.attempts, 1);
        assert.match(error.message, message);
        assert.equal(sim().chatRequests.length, 1);
      });
    }

    it('length: fails with truncated and keeps the raw stream', async () => {
      sim().enqueueFaults(['length']);
      const error = await failure(client().complete(backendRequest));
      assert.equal(error.code, 'truncated');
      assert.equal(error.data.attempts, 1);
      assert.match(error.data.rawResponse ?? '', /"finish_reason":"length"/);
    });

    it('length in a JSON answer: fails with truncated too', async () => {
      sim().enqueueFaults([{ kind: 'length', format: 'json' }]);
      const error = await failure(client().complete(backendRequest));
      assert.equal(error.code, 'truncated');
      assert.match(error.data.rawResponse ?? '', /^\{/);
    });

    it('an upstream message that echoes the key is scrubbed', async () => {
      sim().enqueueFaults([{ kind: 'http401', echoAuthorization: true }]);
      const error = await failure(client().complete(backendRequest));
      assert.equal(error.code, 'unauthorized');
      assert.match(error.message, /received Bearer \[redacted\]/);
      assert.ok(!(error.data.rawResponse ?? '').includes(KEY));
    });
  });

  describe('cancellation', () => {
    /** A call the simulator answers with `fault`, aborted once its request has arrived; its error. */
    async function abortedOnArrival(fault: SimStep): Promise<DaemonError> {
      sim().enqueueFaults([fault]);
      const controller = new AbortController();
      const arrived = once(sim(), 'request');
      // The time limit is longer than the test's: only the abort can end this call in time.
      const call = client({ timeoutMs: 600_000 }).complete(backendRequest, { signal: controller.signal });
      await arrived;
      controller.abort();
      return failure(call);
    }

    it('aborting mid-request rejects at once and closes the connection', async () => {
      const error = await abortedOnArrival('stall');
      assert.equal(error.code, 'cancelled');
      assert.equal(error.data.attempts, 1);
      assert.deepEqual(
        (await settled()).map((request) => request.outcome),
        ['client-closed'],
      );
    });

    it('aborting while the body streams rejects at once and closes the connection', async () => {
      const error = await abortedOnArrival('stall-body');
      assert.equal(error.code, 'cancelled');
      assert.equal((await settled())[0]?.outcome, 'client-closed');
    });

    it('aborting during the backoff wait rejects without another attempt', async () => {
      sim().enqueueFaults(['http503']);
      const controller = new AbortController();
      const call = client({ backoffBaseMs: 600_000 }).complete(backendRequest, {
        signal: controller.signal,
        onRetry: () => controller.abort(),
      });
      const error = await failure(call);
      assert.equal(error.code, 'cancelled');
      assert.equal(error.data.attempts, 1);
      assert.equal(sim().chatRequests.length, 1);
    });
  });

  describe('models named by convention', () => {
    it('a flaky model fails the first attempt of each call and then answers', async () => {
      const model = 'acme/flaky-coder';
      const first = await client().complete({ ...backendRequest, model });
      const second = await client().complete({ ...backendRequest, model });
      assert.equal(first.attempts, 2);
      assert.equal(second.attempts, 2);
      assert.deepEqual(served(), ['http503', 'ok', 'http503', 'ok']);
    });

    it('a fail-always model fails every attempt with upstream', async () => {
      const error = await failure(client().complete({ ...backendRequest, model: 'acme/fail-always' }));
      assert.equal(error.code, 'upstream');
      assert.equal(error.data.attempts, 3);
    });

    it('an unauthorized model fails at once with unauthorized', async () => {
      const error = await failure(client().complete({ ...backendRequest, model: 'acme/unauthorized' }));
      assert.equal(error.code, 'unauthorized');
      assert.equal(error.data.attempts, 1);
    });

    it('a truncating model fails with truncated', async () => {
      const error = await failure(client().complete({ ...backendRequest, model: 'acme/truncate' }));
      assert.equal(error.code, 'truncated');
    });
  });

  it('lists the simulated models with prices per token', async () => {
    const models = await client().listModels();
    const alpha = models.find((model) => model.id === 'sim/alpha');
    assert.deepEqual(alpha, {
      id: 'sim/alpha',
      name: 'Simulated Alpha',
      promptPrice: 0.000001,
      completionPrice: 0.000002,
      contextLength: 128000,
    });
    assert.ok(models.some((model) => model.id === 'sim/flaky'));
  });
});
