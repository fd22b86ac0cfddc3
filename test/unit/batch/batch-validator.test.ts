import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import validateBatch from '../../../daemon/batch/batch-validator.generated';
// @ts-expect-error: a plain ES module of the build tools, without types
import { batchValidatorSource, VALIDATOR_FILE } from '../../../scripts/batch-validator.mjs';

describe('the batch validator compiled ahead of time', () => {
  it('is what the schema compiles to now (run `npm run generate` after changing the schema)', () => {
    assert.equal(readFileSync(VALIDATOR_FILE, 'utf8'), batchValidatorSource());
  });

  it('accepts a minimal batch and names what is wrong with a broken one', () => {
    assert.equal(validateBatch({ models: ['a/b'], templates: 'all' }), true);
    assert.equal(validateBatch({ models: [], templates: 'all', colour: 'red' }), false);
    const keywords = (validateBatch.errors ?? []).map((e) => e.keyword).sort();
    assert.ok(keywords.includes('additionalProperties'), `got ${keywords.join(', ')}`);
    assert.ok(keywords.includes('minItems'), `got ${keywords.join(', ')}`);
  });
});
