import { strict as assert } from 'node:assert';
import { parseCheckLevels } from '../../../daemon/checks/check-levels';

describe('parseCheckLevels', () => {
  it('defaults to static and puts the levels in the order they run, each once', () => {
    assert.deepEqual(parseCheckLevels(undefined), ['static']);
    assert.deepEqual(parseCheckLevels(['smoke', 'static', 'smoke']), ['static', 'smoke']);
  });

  it('refuses anything else, naming it', () => {
    assert.throws(() => parseCheckLevels(['static', 'deep']), {
      code: 'invalid_params',
      message: 'levels: unknown check level "deep"; the levels are "static" and "smoke"',
    });
    assert.throws(
      () => parseCheckLevels('static'),
      /levels must be a non-empty list of "static" and "smoke", got "static"/,
    );
    assert.throws(() => parseCheckLevels([]), /non-empty list/);
  });
});
