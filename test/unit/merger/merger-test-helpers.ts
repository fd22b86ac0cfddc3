import { strict as assert } from 'node:assert';
import { DaemonError } from '../../../daemon/daemon-error';
import type { ErrorCode } from '../../../shared/errors';

/** Asserts that `action` throws a DaemonError with `code`, and returns it for further checks. */
export function expectDaemonError(action: () => unknown, code: ErrorCode): DaemonError {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof DaemonError, `expected a DaemonError, got ${String(error)}`);
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    return error;
  }
  assert.fail(`expected a DaemonError ${code}, nothing was thrown`);
}

/** The async form of `expectDaemonError`. */
export async function expectDaemonErrorAsync(
  action: () => Promise<unknown>,
  code: ErrorCode,
): Promise<DaemonError> {
  try {
    await action();
  } catch (error) {
    assert.ok(error instanceof DaemonError, `expected a DaemonError, got ${String(error)}`);
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    return error;
  }
  assert.fail(`expected a DaemonError ${code}, nothing was thrown`);
}

/** A fenced block as a model writes it. */
export function fence(info: string, body: string, ticks = '```'): string {
  return `${ticks}${info}\n${body}${body.endsWith('\n') || body === '' ? '' : '\n'}${ticks}\n`;
}
