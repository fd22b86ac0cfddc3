import * as assert from 'node:assert/strict';
import { mergeRecent } from '../../../extension/recent-models';

describe('recent models', () => {
  it('puts the models just chosen first, keeping the others after them without repeats', () => {
    assert.deepEqual(mergeRecent(['b', 'x'], ['a', 'b', 'c']), ['b', 'x', 'a', 'c']);
  });

  it('remembers at most twenty', () => {
    const many = Array.from({ length: 30 }, (_, i) => `m/${i}`);
    const merged = mergeRecent(['new/one'], many);
    assert.equal(merged.length, 20);
    assert.equal(merged[0], 'new/one');
  });
});
