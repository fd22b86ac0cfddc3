import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { type Simulator, startSimulator } from '../../daemon/simulator/simulator';
import { suiteSimulator } from '../support/suite-simulator';

const KEY = 'sk-or-v1-simulator-test-key';

function chatBody(model: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    model,
    messages: [
      { role: 'system', content: 'You are a React frontend developer.' },
      { role: 'user', content: 'Use GET /api/books from the Flask backend.' },
    ],
    ...extra,
  });
}

async function post(sim: Simulator, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${sim.url}/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${KEY}`, ...headers },
    body,
  });
}

describe('OpenRouter simulator', () => {
  const sim = suiteSimulator();

  it('listens on 127.0.0.1 under /api/v1', () => {
    assert.match(sim().url, /^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
  });

  it('answers a non-streaming request with a JSON completion priced from the model list', async () => {
    const response = await post(sim(), chatBody('sim/alpha', { stream: false }));
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    assert.match(response.headers.get('x-generation-id') ?? '', /^gen-sim-/);
    const body = (await response.json()) as {
      choices: Array<{ message: { content: string }; finish_reason: string }>;
      usage: { prompt_tokens: number; completion_tokens: number; cost: number };
      provider: string;
    };
    const choice = body.choices[0];
    assert.ok(choice);
    assert.equal(choice.finish_reason, 'stop');
    assert.match(choice.message.content, /```jsx[ :]src\/App\.jsx/);
    assert.match(choice.message.content, /\/api\/books/);
    assert.equal(body.provider, 'Simulator');
    const expectedCost = body.usage.prompt_tokens * 0.000001 + body.usage.completion_tokens * 0.000002;
    assert.ok(Math.abs(body.usage.cost - expectedCost) < 1e-9, `cost ${body.usage.cost} vs ${expectedCost}`);
  });

  it('answers a streaming request with keep-alive comments, deltas, usage and [DONE]', async () => {
    const response = await post(sim(), chatBody('sim/beta', { stream: true }));
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    const text = await response.text();
    assert.ok(text.startsWith(': OPENROUTER PROCESSING\n\n'));
    assert.match(text, /"finish_reason":"stop"/);
    assert.match(text, /"usage":\{"prompt_tokens":\d+,"completion_tokens":\d+/);
    assert.ok(text.trimEnd().endsWith('data: [DONE]'));
  });

  it('records method, path, headers, parsed body, model, stream flag and time', async () => {
    const before = Date.now();
    await (await post(sim(), chatBody('sim/alpha', { stream: true, temperature: 0.5 }))).text();
    const [recorded] = sim().chatRequests;
    assert.ok(recorded);
    assert.equal(recorded.method, 'POST');
    assert.equal(recorded.path, '/api/v1/chat/completions');
    assert.equal(recorded.headers.authorization, `Bearer ${KEY}`);
    assert.equal((recorded.body as { temperature: number }).temperature, 0.5);
    assert.equal(recorded.model, 'sim/alpha');
    assert.equal(recorded.stream, true);
    assert.ok(recorded.time >= before);
    assert.equal(recorded.served, 'ok');
  });

  it('counts requests in flight and the peak while they are held', async () => {
    sim().pause();
    const calls = [1, 2, 3].map(() => post(sim(), chatBody('sim/alpha')).then((response) => response.text()));
    await sim().waitForRequests(3);
    assert.equal(sim().inFlight, 3);
    sim().resume();
    await Promise.all(calls);
    while (sim().inFlight > 0) await once(sim(), 'finished');
    assert.equal(sim().peakConcurrency, 3);
    assert.equal(sim().inFlight, 0);
  });

  it('serves queued faults before a model script, and a script in order before its afterFaults step', async () => {
    sim().setModelBehavior('acme/scripted', { faults: ['http503', 'http429'], afterFaults: 'http500' });
    sim().enqueueFaults(['http502html']);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const response = await post(sim(), chatBody('acme/scripted'));
      await response.text();
      statuses.push(response.status);
    }
    assert.deepEqual(statuses, [502, 503, 429, 500]);
  });

  it('uses a scripted answer text', async () => {
    sim().setModelBehavior('acme/custom', { content: 'just prose' });
    const body = (await (await post(sim(), chatBody('acme/custom'))).json()) as {
      choices: Array<{ message: { content: string } }>;
    };
    assert.equal(body.choices[0]?.message.content, 'just prose');
  });

  it('answers 429 with a Retry-After header', async () => {
    sim().enqueueFaults([{ kind: 'http429', retryAfter: '7' }]);
    const response = await post(sim(), chatBody('sim/alpha'));
    await response.text();
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '7');
  });

  it('answers 500 with a bare JSON string and 502 with an HTML page', async () => {
    sim().enqueueFaults(['http500string', 'http502html']);
    const first = await post(sim(), chatBody('sim/alpha'));
    assert.equal(await first.text(), '"Internal error"');
    const second = await post(sim(), chatBody('sim/alpha'));
    assert.match(second.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await second.text(), /<title>502 Bad Gateway<\/title>/);
  });

  it('rejects chat requests without the configured key', async () => {
    const guarded = await startSimulator({ apiKey: KEY });
    try {
      const wrong = await post(guarded, chatBody('sim/alpha'), { Authorization: 'Bearer nope' });
      await wrong.text();
      assert.equal(wrong.status, 401);
      const right = await post(guarded, chatBody('sim/alpha'));
      await right.text();
      assert.equal(right.status, 200);
    } finally {
      await guarded.close();
    }
  });

  it('answers 400 to a body that is not a chat request', async () => {
    const response = await post(sim(), '{not json');
    assert.equal(response.status, 400);
    assert.match(await response.text(), /model and messages/);
  });

  it('answers 404 to an unknown path', async () => {
    const response = await fetch(`${sim().url}/nothing`);
    assert.equal(response.status, 404);
    assert.match(await response.text(), /No route/);
  });

  it('serves GET /models with prices as decimal strings', async () => {
    const body = (await (await fetch(`${sim().url}/models`)).json()) as {
      data: Array<{ id: string; pricing: { prompt: string; completion: string }; context_length: number }>;
    };
    const alpha = body.data.find((model) => model.id === 'sim/alpha');
    assert.deepEqual(alpha?.pricing, { prompt: '0.000001', completion: '0.000002' });
    assert.equal(alpha?.context_length, 128000);
  });

  it('answers prose for a no-code model and an outside path for an unsafe-path model', async () => {
    const prose = (await (await post(sim(), chatBody('acme/no-code'))).json()) as {
      choices: Array<{ message: { content: string } }>;
    };
    assert.ok(!prose.choices[0]?.message.content.includes('```'));
    const unsafe = (await (await post(sim(), chatBody('acme/unsafe-path'))).json()) as {
      choices: Array<{ message: { content: string } }>;
    };
    assert.match(unsafe.choices[0]?.message.content ?? '', /```python \.\.\/\.\.\/outside\.py/);
  });

  it('delays a slow model by slowLatencyMs', async () => {
    const slow = await startSimulator({ slowLatencyMs: 20_000 });
    try {
      const call = fetch(`${slow.url}/chat/completions`, {
        method: 'POST',
        body: chatBody('acme/slow'),
        signal: AbortSignal.timeout(200),
      });
      await assert.rejects(call, { name: 'TimeoutError' });
      const fast = await post(slow, chatBody('acme/quick'));
      assert.equal(fast.status, 200);
      await fast.text();
    } finally {
      await slow.close();
    }
  });

  it('forgets requests, scripts and the peak on reset', async () => {
    sim().setModelBehavior('acme/reset', { afterFaults: 'http500' });
    await (await post(sim(), chatBody('acme/reset'))).text();
    sim().reset();
    assert.deepEqual(sim().requests, []);
    assert.equal(sim().peakConcurrency, 0);
    const response = await post(sim(), chatBody('acme/reset'));
    await response.text();
    assert.equal(response.status, 200);
  });

  it('closes promptly with a stalled connection open', async () => {
    const stalled = await startSimulator();
    stalled.enqueueFaults(['stall']);
    const outcome = new Promise<string>((resolve) => {
      const req = httpRequest(`${stalled.url}/chat/completions`, { method: 'POST' }, () =>
        resolve('answered'),
      );
      req.on('error', (error) => resolve(`error: ${error.message}`));
      req.end(chatBody('sim/alpha'));
    });
    await stalled.waitForRequests(1);
    await stalled.close();
    assert.match(await outcome, /^error: socket hang up/);
  });
});
