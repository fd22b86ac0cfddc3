import { strict as assert } from 'node:assert';
import { normaliseRelativePath } from '../../daemon/merger/safe-app-path';
import { MAX_MODEL_SLUG_BYTES, modelIdProblem, modelSlug } from '../../shared/model-slug';

describe('modelIdProblem', () => {
  for (const id of [
    'openai/gpt-4o',
    'deepseek/deepseek-r1:free',
    'openai_gpt-4o',
    'a',
    '.hidden',
    'a..b',
    'x'.repeat(MAX_MODEL_SLUG_BYTES),
    'é'.repeat(MAX_MODEL_SLUG_BYTES),
  ]) {
    it(`takes ${JSON.stringify(id.slice(0, 40))}`, () => {
      assert.equal(modelIdProblem(id), undefined);
    });
  }

  for (const id of ['.', '..', '...', '. .'.replace(' ', '.')]) {
    it(`refuses ${JSON.stringify(id)}, whose folder would leave the output folder`, () => {
      const problem = modelIdProblem(id);
      assert.ok(problem?.startsWith(`model ${JSON.stringify(id)} cannot name a folder`), problem);
    });
  }

  for (const [id, why] of [
    ['foo.', 'which ends in a dot that Windows drops'],
    ['a/../..', 'which ends in a dot that Windows drops'],
    ['/..', 'which ends in a dot that Windows drops'],
    ['.git', 'which is kept for version control and AppGen itself'],
    ['.APPGEN', 'which is kept for version control and AppGen itself'],
    ['nul', 'which Windows keeps for a device'],
    ['com1.x', 'which Windows keeps for a device'],
  ]) {
    it(`refuses ${JSON.stringify(id)}, whose folder the app's own path check would refuse`, () => {
      const problem = modelIdProblem(id!);
      assert.equal(
        problem,
        `model ${JSON.stringify(id)} cannot name a folder: its folder name would be "${modelSlug(id!)}", ${why}; give an OpenRouter model id such as "openai/gpt-4o"`,
      );
      // The same folder name fails the path check a commit makes: refused here, before any call.
      assert.throws(
        () => normaliseRelativePath(`generated/apps/${modelSlug(id!)}/app1`),
        /unsafe_path|Unsafe path/,
      );
    });
  }

  it('takes every slug the app path check takes, for ids of safe characters', () => {
    for (const id of ['vendor/model-1.5', 'x.y_z', '-a', 'con-x', 'nulls', '.gitx']) {
      assert.equal(modelIdProblem(id), undefined, id);
      assert.doesNotThrow(() => normaliseRelativePath(`generated/apps/${modelSlug(id)}/app1`), id);
    }
  });

  it('refuses an empty id', () => {
    assert.equal(modelIdProblem(''), 'model must not be empty');
  });

  it('never lets a separator through: a slug is one segment', () => {
    for (const id of ['a/b', 'a\\b', '../x', 'a\0b']) {
      assert.ok(!/[\\/]/.test(modelSlug(id)), id);
      assert.equal(modelIdProblem(id), undefined, id);
    }
  });

  it('refuses an id whose folder name would be longer than 255 bytes, naming the model and the limit', () => {
    const id = `vendor/${'m'.repeat(300)}`;
    const problem = modelIdProblem(id);
    assert.ok(problem?.startsWith('model "vendor/mmmm'), problem);
    assert.match(problem!, /too long: its folder name would be 307 bytes, at most 255/);
    assert.ok(problem!.length < 200, 'the message does not repeat the whole id');
  });

  it('counts the slug, where every character outside the safe set is one byte', () => {
    // A surrogate pair becomes two underscores.
    assert.match(modelIdProblem('😀'.repeat(128))!, /256 bytes, at most 255/);
    assert.equal(modelIdProblem('😀'.repeat(127)), undefined);
  });
});
