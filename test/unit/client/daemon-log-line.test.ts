import * as assert from 'node:assert/strict';
import { daemonLogLine, describeLogEntry, readDaemonLogLine } from '../../../client/daemon-log-line';

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

describe('readDaemonLogLine and describeLogEntry', () => {
  it("tells the daemon's JSON objects from other lines", () => {
    assert.equal(readDaemonLogLine('{"level":"info","message":"a"}')?.structured, true);
    assert.equal(readDaemonLogLine('not json')?.structured, false);
    assert.equal(readDaemonLogLine('42')?.structured, false);
    assert.equal(readDaemonLogLine('[1]')?.structured, false);
  });

  it("describes an entry by its message and its error's first line, without the class name", () => {
    const entry = readDaemonLogLine(
      JSON.stringify({
        level: 'error',
        message: 'unhandled rejection',
        error: 'DaemonError: schema version 999\n    at migrate (daemon.js:1:1)',
        jobId: 'j1',
      }),
    )!;
    assert.equal(describeLogEntry(entry), 'unhandled rejection: schema version 999');
    assert.equal(describeLogEntry(readDaemonLogLine('{"level":"info","message":"ready"}')!), 'ready');
    assert.equal(describeLogEntry(readDaemonLogLine('{"error":"Error: boom"}')!), 'boom');
  });
});
