import { strict as assert } from 'node:assert';
import { pythonLiteral, pythonName } from '../../../daemon/simulator/python-literal';

describe('JSON as Python literals', () => {
  it('writes null, booleans, numbers, lists and objects as Python does', () => {
    assert.equal(
      pythonLiteral({ a: null, b: [true, false, 1.5, -2], c: {} }),
      '{"a": None, "b": [True, False, 1.5, -2], "c": {}}',
    );
  });

  it('escapes quotes, backslashes and line breaks in strings and keys', () => {
    assert.equal(pythonLiteral({ 'it"s': 'a\\b\n"c"' }), String.raw`{"it\"s": "a\\b\n\"c\""}`);
  });

  it('makes identifiers of any text, never a keyword', () => {
    assert.deepEqual(['item-id', '2nd', 'class', 'ok'].map(pythonName), ['item_id', '_2nd', 'class_', 'ok']);
  });
});
