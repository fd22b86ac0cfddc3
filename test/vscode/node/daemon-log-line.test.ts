import * as assert from 'node:assert/strict';
import { daemonLogLine } from '../../../extension/daemon-log-line';

describe('daemonLogLine', () => {
  it('keeps the level and message of a JSON line and appends its other fields, without the time', () => {
    const line = JSON.stringify({
      time: '2025-01-01T00:00:00.000Z',
      level: 'warn',
      message: 'slow',
      jobId: 'j1',
    });
    assert.deepEqual(daemonLogLine(line), { level: 'warn', text: 'slow {"jobId":"j1"}' });
  });

  it('reads an unknown level as info', () => {
    assert.deepEqual(daemonLogLine('{"level":"loud","message":"x"}'), { level: 'info', text: 'x' });
  });

  it('reports a line that is not JSON (a crash trace) as an error', () => {
    assert.deepEqual(daemonLogLine('TypeError: boom'), { level: 'error', text: 'TypeError: boom' });
  });

  it('skips blank lines', () => {
    assert.equal(daemonLogLine('   '), undefined);
  });
});
