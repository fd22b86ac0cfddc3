import { strict as assert } from 'node:assert';
import { parseJsonBody, readJsonCompletion } from '../../../daemon/openrouter/json-completion';

const completionBody = {
  id: 'gen-123',
  provider: 'OpenAI',
  model: 'openai/gpt-4o',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, cost: 0.0004 },
};

describe('parseJsonBody', () => {
  it('parses a JSON object after leading whitespace keep-alives', () => {
    assert.deepEqual(parseJsonBody('\n\n   \n{"a":1}'), { a: 1 });
  });

  it('turns an HTML page into {error: {message}}', () => {
    assert.deepEqual(parseJsonBody('<html><title>502 Bad Gateway</title></html>'), {
      error: { message: '502 Bad Gateway' },
    });
  });

  it('turns plain text into {error: {message}}', () => {
    assert.deepEqual(parseJsonBody('upstream connect error'), {
      error: { message: 'upstream connect error' },
    });
  });

  it('turns a bare JSON string into {error: {message}}', () => {
    assert.deepEqual(parseJsonBody('"Internal error"'), { error: { message: 'Internal error' } });
  });

  it('turns an empty body and non-object JSON into {error: {message}} with a message', () => {
    for (const text of ['', '   ', '42', 'null', '[]']) {
      const body = parseJsonBody(text) as { error: { message: string } };
      assert.equal(typeof body.error.message, 'string', text);
      assert.notEqual(body.error.message, '', text);
    }
  });
});

describe('readJsonCompletion', () => {
  it('reads content, finish reason, usage with cost, and the id, provider and model', () => {
    const outcome = readJsonCompletion(JSON.stringify(completionBody));
    assert.deepEqual(outcome, {
      ok: true,
      completion: {
        content: 'hello',
        finishReason: 'stop',
        usage: { promptTokens: 10, completionTokens: 3, costUsd: 0.0004 },
        id: 'gen-123',
        provider: 'OpenAI',
        model: 'openai/gpt-4o',
      },
    });
  });

  it('reads a completion that follows whitespace keep-alives', () => {
    const outcome = readJsonCompletion(`\n\n\n${JSON.stringify(completionBody)}`);
    assert.ok(outcome.ok);
    assert.equal(outcome.completion.content, 'hello');
  });

  it('joins content given as text parts', () => {
    const body = {
      choices: [
        {
          message: {
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
        },
      ],
    };
    const outcome = readJsonCompletion(JSON.stringify(body));
    assert.ok(outcome.ok);
    assert.equal(outcome.completion.content, 'ab');
    assert.equal(outcome.completion.finishReason, null);
  });

  it('reports an error body with its message and numeric code', () => {
    const outcome = readJsonCompletion('{"error":{"message":"Rate limited","code":429}}');
    assert.deepEqual(outcome, {
      ok: false,
      problem: { reason: 'error', message: 'Rate limited', errorStatus: 429, contentReceived: false },
    });
  });

  it('reports a bare JSON string as an error with that message', () => {
    const outcome = readJsonCompletion('"Internal error"');
    assert.ok(!outcome.ok);
    assert.equal(outcome.problem.message, 'Internal error');
  });

  it('reports a body without choices as unusable', () => {
    const outcome = readJsonCompletion('{"object":"chat.completion","choices":[]}');
    assert.ok(!outcome.ok);
    assert.equal(outcome.problem.reason, 'unusable');
  });

  it('reports finish_reason "error" as an error, noting whether content came first', () => {
    const body = {
      choices: [
        { message: { content: 'partial' }, finish_reason: 'error', error: { message: 'boom', code: 502 } },
      ],
    };
    const outcome = readJsonCompletion(JSON.stringify(body));
    assert.deepEqual(outcome, {
      ok: false,
      problem: { reason: 'error', message: 'boom', errorStatus: 502, contentReceived: true },
    });
  });

  it('passes finish_reason "length" through for the caller to judge', () => {
    const body = { choices: [{ message: { content: '```python\nprint(' }, finish_reason: 'length' }] };
    const outcome = readJsonCompletion(JSON.stringify(body));
    assert.ok(outcome.ok);
    assert.equal(outcome.completion.finishReason, 'length');
  });
});
