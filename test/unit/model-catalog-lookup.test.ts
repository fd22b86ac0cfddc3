import assert from 'node:assert/strict';
import { closestModel, indexModelNames, lookupModel } from '../../daemon/model-catalog-lookup';
import { editDistance } from '../../shared/closest-name';

const LISTED = indexModelNames([
  'openai/gpt-4o',
  'openai/gpt-4o-mini',
  'anthropic/claude-sonnet-4',
  'deepseek/deepseek-r1:free',
  'acme/a:b',
  'acme/a/b',
]);

/** A history that must not be read. */
const unread = (): string[] => {
  throw new Error('the history was read');
};

describe('lookupModel', () => {
  describe('with the server model list', () => {
    it('takes a listed id as it is', () => {
      assert.deepEqual(lookupModel('openai/gpt-4o', LISTED, unread), { ok: true, model: 'openai/gpt-4o' });
    });

    it('resolves an unambiguous slug to its id', () => {
      assert.deepEqual(lookupModel('openai_gpt-4o', LISTED, unread), { ok: true, model: 'openai/gpt-4o' });
      assert.deepEqual(lookupModel('deepseek_deepseek-r1_free', LISTED, unread), {
        ok: true,
        model: 'deepseek/deepseek-r1:free',
      });
    });

    it('refuses an ambiguous slug, naming every candidate', () => {
      const found = lookupModel('acme_a_b', LISTED, unread);
      assert.equal(found.ok, false);
      assert.match(!found.ok ? found.problem : '', /Ambiguous model "acme_a_b".*"acme\/a:b", "acme\/a\/b"/);
    });

    it('refuses an unlisted model, naming it and a close match', () => {
      const found = lookupModel('openai/gpt-4x', LISTED, () => ['openai/gpt-4x']);
      assert.equal(found.ok, false, 'the history does not make an unlisted model valid');
      assert.match(
        !found.ok ? found.problem : '',
        /^Unknown model "openai\/gpt-4x".*did you mean "openai\/gpt-4o"\?$/,
      );
    });

    it('refuses an unlisted model with nothing close without a suggestion', () => {
      const found = lookupModel('x/y', LISTED, unread);
      assert.deepEqual(found, {
        ok: false,
        problem: `Unknown model "x/y": it is not in the server's model list`,
      });
    });
  });

  describe('without a model list', () => {
    it('takes any id, without reading the history', () => {
      assert.deepEqual(lookupModel('vendor/new-model', undefined, unread), {
        ok: true,
        model: 'vendor/new-model',
      });
    });

    it('resolves a slug from the models already used', () => {
      assert.deepEqual(
        lookupModel('openai_gpt-4o', undefined, () => ['sim/alpha', 'openai/gpt-4o']),
        {
          ok: true,
          model: 'openai/gpt-4o',
        },
      );
    });

    it('takes a name without a slash as an id when no used model has it as slug', () => {
      assert.deepEqual(
        lookupModel('gpt-4o', undefined, () => ['sim/alpha']),
        { ok: true, model: 'gpt-4o' },
      );
    });

    it('prefers a used id over a slug of the same spelling', () => {
      assert.deepEqual(
        lookupModel('a_b', undefined, () => ['a/b', 'a_b']),
        { ok: true, model: 'a_b' },
      );
    });

    it('refuses a slug two used models share', () => {
      const found = lookupModel('a_b', undefined, () => ['a/b', 'a:b', 'a/b']);
      assert.deepEqual(found, {
        ok: false,
        problem: 'Ambiguous model "a_b": it is the slug of "a/b", "a:b"; give the model id',
      });
    });
  });
});

describe('closestModel', () => {
  it('finds the same name in other letter case, in id or slug form', () => {
    assert.equal(closestModel('OpenAI/GPT-4o', LISTED), 'openai/gpt-4o');
    assert.equal(closestModel('Anthropic_Claude-Sonnet-4', LISTED), 'anthropic/claude-sonnet-4');
  });

  it('finds the only model with the same name after the provider', () => {
    assert.equal(closestModel('gpt-4o-mini', LISTED), 'openai/gpt-4o-mini');
    assert.equal(closestModel('antropic/claude-sonnet-4', LISTED), 'anthropic/claude-sonnet-4');
  });

  it('finds the nearest model within a few typos, and none for short or distant names', () => {
    assert.equal(closestModel('anthropic/claude-sonet-4', LISTED), 'anthropic/claude-sonnet-4');
    assert.equal(closestModel('openai_gpt-4o-mni', LISTED), 'openai/gpt-4o-mini');
    assert.equal(closestModel('a/b', LISTED), undefined);
    assert.equal(closestModel('mistral/mixtral-8x7b', LISTED), undefined);
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    assert.equal(editDistance('kitten', 'sitting', 5), 3);
    assert.equal(editDistance('abc', 'abc', 0), 0);
    assert.equal(editDistance('', 'ab', 2), 2);
  });

  it('stops at limit + 1', () => {
    assert.equal(editDistance('kitten', 'sitting', 1), 2);
    assert.equal(editDistance('a', 'abcdef', 2), 3);
  });
});
