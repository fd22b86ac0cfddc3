import { strict as assert } from 'node:assert';
import { ResponseBudget } from '../../../daemon/openrouter/response-budget';
import { SseCompletionReader } from '../../../daemon/openrouter/sse-completion-reader';

function event(data: unknown): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

function delta(content: string, finish: string | null = null): Record<string, unknown> {
  return {
    id: 'gen-abc',
    provider: 'Anthropic',
    model: 'anthropic/claude-sonnet-4',
    choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  };
}

const usageEvent = {
  id: 'gen-abc',
  choices: [],
  usage: { prompt_tokens: 20, completion_tokens: 5, cost: 0.00012 },
};

function readAll(text: string, pieceSize = text.length): ReturnType<SseCompletionReader['finish']> {
  const reader = new SseCompletionReader();
  for (let i = 0; i < text.length; i += pieceSize) reader.feed(text.slice(i, i + pieceSize));
  return reader.finish();
}

describe('SseCompletionReader', () => {
  const stream = [
    ': OPENROUTER PROCESSING\n\n',
    event(delta('Hel')),
    ': OPENROUTER PROCESSING\n\n',
    event(delta('lo')),
    event(delta('', 'stop')),
    event(usageEvent),
    event('[DONE]'),
  ].join('');

  it('assembles content, finish reason, usage and metadata, ignoring keep-alive comments', () => {
    assert.deepEqual(readAll(stream), {
      ok: true,
      completion: {
        content: 'Hello',
        finishReason: 'stop',
        usage: { promptTokens: 20, completionTokens: 5, costUsd: 0.00012 },
        id: 'gen-abc',
        provider: 'Anthropic',
        model: 'anthropic/claude-sonnet-4',
      },
    });
  });

  it('gives the same result however the text is split', () => {
    const whole = readAll(stream);
    for (const size of [1, 3, 7, 50]) assert.deepEqual(readAll(stream, size), whole, `pieces of ${size}`);
  });

  it('accepts CRLF line endings and a last event without its blank line', () => {
    const text = `${event(delta('a')).replace(/\n/g, '\r\n')}data: ${JSON.stringify(delta('b', 'stop'))}`;
    const outcome = readAll(text);
    assert.ok(outcome.ok);
    assert.equal(outcome.completion.content, 'ab');
  });

  it('reports a mid-stream error event before any content as retryable-shaped (no content)', () => {
    const text = event({ id: 'x', error: { code: 502, message: 'Provider disconnected' }, choices: [] });
    assert.deepEqual(readAll(text), {
      ok: false,
      problem: {
        reason: 'error',
        message: 'Provider disconnected',
        errorStatus: 502,
        contentReceived: false,
      },
    });
  });

  it('reports a mid-stream error after content with contentReceived', () => {
    const text = event(delta('some code')) + event({ error: { message: 'overloaded' } });
    const outcome = readAll(text);
    assert.ok(!outcome.ok);
    assert.equal(outcome.problem.reason, 'error');
    assert.equal(outcome.problem.contentReceived, true);
  });

  it('reports finish_reason "error" without an error object as an error', () => {
    const outcome = readAll(event(delta('', 'error')));
    assert.ok(!outcome.ok);
    assert.equal(outcome.problem.reason, 'error');
    assert.ok(outcome.problem.message.length > 0);
  });

  it('marks itself finished at [DONE] and at an error event', () => {
    const done = new SseCompletionReader();
    done.feed(event(delta('a', 'stop')));
    assert.equal(done.finished, false);
    done.feed(event('[DONE]'));
    assert.equal(done.finished, true);
    const failed = new SseCompletionReader();
    failed.feed(event({ error: { message: 'x' } }));
    assert.equal(failed.finished, true);
  });

  it('reports a stream that stops before finishing as incomplete', () => {
    const outcome = readAll(event(delta('half of the')));
    assert.deepEqual(outcome, {
      ok: false,
      problem: {
        reason: 'incomplete',
        message: 'The event stream ended before the answer was complete',
        contentReceived: true,
      },
    });
  });

  it('reports a stream with no events at all as unusable', () => {
    const outcome = readAll(': OPENROUTER PROCESSING\n\n');
    assert.ok(!outcome.ok);
    assert.equal(outcome.problem.reason, 'unusable');
  });

  it('skips malformed events and keeps reading', () => {
    const outcome = readAll(event('{not json') + event(delta('ok', 'stop')));
    assert.ok(outcome.ok);
    assert.equal(outcome.completion.content, 'ok');
  });

  it('passes finish_reason "length" through', () => {
    const outcome = readAll(event(delta('```python\nprint(', 'length')) + event('[DONE]'));
    assert.ok(outcome.ok);
    assert.equal(outcome.completion.finishReason, 'length');
  });

  it('with a budget, keeps charged only the answer text and what is not an event', () => {
    const budget = new ResponseBudget(500);
    const reader = new SseCompletionReader(budget);
    for (let i = 0; i < 50; i++) {
      const text = event(delta('ab'));
      budget.charge(text.length); // as the body reader does with every byte
      reader.feed(text);
    }
    // Per event: its text (2) and its framing ("data: " and the blank line, 8).
    assert.equal(budget.exceeded, false);
    budget.charge(1);
    assert.equal(budget.exceeded, true);
  });
});
