import { strict as assert } from 'node:assert';
import { ErrorCodes, ResponseError } from 'vscode-jsonrpc';
import {
  DaemonExitedError,
  failureOf,
  InterruptedError,
  lastMessages,
  UsageError,
  whatTheDaemonSaid,
} from '../../../cli/cli-failure';

const logLine = (fields: Record<string, unknown>) =>
  JSON.stringify({ time: '2025-02-09T10:00:00.000Z', level: 'info', ...fields });

describe('failureOf (exit code and message of a command that failed)', () => {
  it("gives 2 for usage errors, the argument parser's errors and a refused request", () => {
    assert.deepEqual(failureOf(new UsageError('bad')), { code: 2, message: 'bad' });
    const parse = Object.assign(new TypeError('Unknown option'), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
    assert.equal(failureOf(parse).code, 2);
    assert.deepEqual(failureOf(new ResponseError(-32602, 'Unknown template "x"')), {
      code: 2,
      message: 'Unknown template "x"',
    });
  });

  it('gives 1 for any other error, whatever type its code has', () => {
    assert.deepEqual(failureOf(new ResponseError(ErrorCodes.PendingResponseRejected, 'disposed')), {
      code: 1,
      message: 'disposed',
    });
    assert.equal(failureOf(Object.assign(new Error('x'), { code: 42 })).code, 1);
    assert.equal(failureOf(new Error('plain')).code, 1);
    assert.deepEqual(failureOf('a string'), { code: 1, message: 'a string' });
    assert.equal(failureOf(null).code, 1);
  });

  it("passes on a daemon's exit code 2 (it refused its input), and gives 1 for its other exits", () => {
    assert.equal(failureOf(new DaemonExitedError(2, 'GENERATION_MAX_CONCURRENT ...')).code, 2);
    assert.equal(failureOf(new DaemonExitedError(1, 'crashed')).code, 1);
    assert.equal(failureOf(new DaemonExitedError(null, 'killed')).code, 1);
  });

  it('gives 130 when interrupted', () => {
    assert.equal(failureOf(new InterruptedError('Interrupted while starting.')).code, 130);
  });
});

describe("whatTheDaemonSaid (the daemon's last words, from its stderr)", () => {
  it('prefers its own "appgen daemon:" lines', () => {
    const lines = [
      logLine({ level: 'error', message: 'GENERATION_MAX_CONCURRENT must be an integer' }),
      'appgen daemon: GENERATION_MAX_CONCURRENT must be an integer',
    ];
    assert.equal(whatTheDaemonSaid(lines), 'GENERATION_MAX_CONCURRENT must be an integer');
  });

  it("else gives its error lines with the error's first line, without the stack or class name", () => {
    const lines = [
      logLine({ message: 'daemon ready' }),
      logLine({
        level: 'error',
        message: 'unhandled rejection',
        error: 'DaemonError: history database has schema version 999\n    at migrate (daemon.js:1:1)',
      }),
    ];
    assert.equal(whatTheDaemonSaid(lines), 'unhandled rejection: history database has schema version 999');
  });

  it('else gives the last lines it logged', () => {
    assert.equal(whatTheDaemonSaid([logLine({ message: 'a' }), 'not json']), '  a\n  not json');
  });
});

describe('lastMessages', () => {
  it('shows the message of JSON lines, other lines as they are, the last five by default', () => {
    const lines = ['1', '2', logLine({ message: 'three' }), '4', '5', '6'];
    assert.equal(lastMessages(lines), '  2\n  three\n  4\n  5\n  6');
  });
});
