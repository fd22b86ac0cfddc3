import { strict as assert } from 'node:assert';
import { readModelList } from '../../../daemon/openrouter/model-list';

describe('readModelList', () => {
  it('reads ids, names, per-token prices and context length', () => {
    const body = {
      data: [
        {
          id: 'openai/gpt-4o',
          name: 'OpenAI: GPT-4o',
          pricing: { prompt: '0.0000025', completion: '0.00001' },
          context_length: 128000,
        },
      ],
    };
    assert.deepEqual(readModelList(body), [
      {
        id: 'openai/gpt-4o',
        name: 'OpenAI: GPT-4o',
        promptPrice: 0.0000025,
        completionPrice: 0.00001,
        contextLength: 128000,
      },
    ]);
  });

  it('leaves out variable (negative) and missing prices, and names a model by its id when unnamed', () => {
    const body = {
      data: [{ id: 'openrouter/auto', pricing: { prompt: '-1', completion: '-1' } }, { id: 'x/y' }],
    };
    assert.deepEqual(readModelList(body), [
      { id: 'openrouter/auto', name: 'openrouter/auto' },
      { id: 'x/y', name: 'x/y' },
    ]);
  });

  it('skips entries without an id', () => {
    assert.deepEqual(readModelList({ data: [{ name: 'nameless' }, null, 'text', { id: 'a/b' }] }), [
      { id: 'a/b', name: 'a/b' },
    ]);
  });

  it('returns undefined for a body that is not a model list', () => {
    assert.equal(readModelList({ error: { message: 'nope' } }), undefined);
    assert.equal(readModelList('text'), undefined);
  });
});
