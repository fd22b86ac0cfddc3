import assert from 'node:assert/strict';
import { type KeptCall, keptAnswer as keptAnswerOf } from '../../daemon/kept-answer';
import { openRouterProvider } from '../../daemon/openrouter/openrouter-provider';
import type { ChatRequest } from '../../daemon/provider/chat-call';

const REQUEST: ChatRequest = {
  model: 'openai/gpt-4o',
  messages: [
    { role: 'system', content: 'You write Flask apps.' },
    { role: 'user', content: 'A todo list.' },
  ],
  temperature: 0.2,
};

const SENT = JSON.stringify({
  model: 'openai/gpt-4o',
  messages: REQUEST.messages,
  temperature: 0.2,
  stream: true,
  usage: { include: true },
});

const STREAM = [
  ': OPENROUTER PROCESSING',
  '',
  'data: {"id":"gen-1","provider":"OpenAI","choices":[{"delta":{"content":"```python app.py\\n"}}]}',
  '',
  'data: {"id":"gen-1","choices":[{"delta":{"content":"print(1)\\n```\\n"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":34,"cost":0.01}}',
  '',
  'data: [DONE]',
  '',
  '',
].join('\n');

const META = JSON.stringify({
  generationId: 'gen-1',
  provider: 'OpenAI',
  finishReason: 'stop',
  attempts: 2,
  status: 200,
});

const call = (overrides: Partial<KeptCall> = {}): KeptCall => ({
  request: SENT,
  rawResponse: STREAM,
  meta: META,
  ...overrides,
});

/** The kept call read as OpenRouter's answer, the way the job runner reads it. */
const keptAnswer = (kept: KeptCall, request: ChatRequest) => keptAnswerOf(kept, request, openRouterProvider);

describe('keptAnswer', () => {
  it('reads a kept streamed answer back as the call result', () => {
    const result = keptAnswer(call(), REQUEST);
    assert.equal(result?.content, '```python app.py\nprint(1)\n```\n');
    assert.equal(result?.finishReason, 'stop');
    assert.deepEqual(result?.usage, { promptTokens: 12, completionTokens: 34, costUsd: 0.01 });
    assert.equal(result?.generationId, 'gen-1');
    assert.equal(result?.provider, 'OpenAI');
  });

  it('reads a kept JSON answer', () => {
    const body = JSON.stringify({
      id: 'gen-2',
      choices: [{ message: { content: 'hello' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 2 },
    });
    const result = keptAnswer(call({ rawResponse: body, meta: '{"generationId":"gen-2"}' }), REQUEST);
    assert.equal(result?.content, 'hello');
    assert.equal(result?.generationId, 'gen-2');
  });

  it('refuses an answer to another request: other prompts, model or options', () => {
    const other = (patch: Record<string, unknown>) => JSON.stringify({ ...JSON.parse(SENT), ...patch });
    assert.equal(keptAnswer(call({ request: other({ model: 'openai/gpt-4o-mini' }) }), REQUEST), undefined);
    assert.equal(keptAnswer(call({ request: other({ temperature: 0.7 }) }), REQUEST), undefined);
    assert.equal(keptAnswer(call({ request: other({ max_tokens: 100 }) }), REQUEST), undefined);
    assert.equal(
      keptAnswer(call({ request: other({ messages: [{ role: 'user', content: 'Notes.' }] }) }), REQUEST),
      undefined,
    );
  });

  it('refuses a failed call, an answer cut off and files that are not whole', () => {
    assert.equal(
      keptAnswer(call({ meta: '{"error":{"code":"upstream","message":"x"}}' }), REQUEST),
      undefined,
    );
    assert.equal(keptAnswer(call({ meta: '{"finishReason":"length"}' }), REQUEST), undefined);
    assert.equal(
      keptAnswer(
        call({
          rawResponse: STREAM.slice(
            0,
            STREAM.indexOf('data: {"id":"gen-1","choices":[{"delta":{"content":"print'),
          ),
        }),
        REQUEST,
      ),
      undefined,
    );
    assert.equal(keptAnswer(call({ rawResponse: '' }), REQUEST), undefined);
    assert.equal(keptAnswer(call({ request: 'not json' }), REQUEST), undefined);
  });

  it('uses a whole answer whose metadata a stop left missing or cut short, rather than pay again', () => {
    for (const meta of ['', '{"generationId":']) {
      const result = keptAnswer(call({ meta }), REQUEST);
      assert.equal(result?.content, '```python app.py\nprint(1)\n```\n', JSON.stringify(meta));
      assert.equal(result?.generationId, 'gen-1');
      assert.deepEqual(result?.usage, { promptTokens: 12, completionTokens: 34, costUsd: 0.01 });
    }
    // Without the metadata, only a whole answer counts: one cut short is asked for again.
    const cut = STREAM.slice(0, STREAM.indexOf('data: [DONE]') - 60);
    assert.equal(keptAnswer(call({ meta: '', rawResponse: cut }), REQUEST), undefined);
  });
});
