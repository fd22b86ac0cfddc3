import { strict as assert } from 'node:assert';
import { parseBatchFile } from '../../../daemon/batch/batch-file';

const batch = (checks: string) => `{
  "models": ["sim/alpha"],
  "templates": "all",
  "checks": ${checks}
}`;

describe('the checks of a batch file', () => {
  it('takes static, smoke, both or none', () => {
    for (const checks of [['static'], ['static', 'smoke'], ['smoke'], []]) {
      const parsed = parseBatchFile(batch(JSON.stringify(checks)));
      assert.deepEqual(parsed.problems, []);
      assert.deepEqual(parsed.config?.checks, checks);
    }
    assert.equal(parseBatchFile('{"models": ["m"], "templates": "all"}').config?.checks, undefined);
  });

  it('refuses an unknown level, a level twice and a value that is not a list, with line and column', () => {
    assert.deepEqual(parseBatchFile(batch('["static", "deep"]')).problems, [
      { line: 4, column: 24, path: 'checks[1]', message: 'must be one of "static", "smoke"' },
    ]);
    assert.deepEqual(
      parseBatchFile(batch('["smoke", "smoke"]')).problems.map((p) => p.message),
      ['"smoke" is listed twice (also at checks[0])'],
    );
    assert.deepEqual(
      parseBatchFile(batch('"static"')).problems.map((p) => `${p.path}: ${p.message}`),
      ['checks: must be an array'],
    );
  });
});
