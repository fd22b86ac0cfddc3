/** Checks of the JSON-RPC "invalid params" (-32602) error a daemon answers refused requests with. */
import type { ResponseError } from 'vscode-jsonrpc';
import { RpcErrorCodes } from '../../shared/errors';

/** A predicate for `assert.rejects`: invalid params whose message matches `pattern`. */
export function invalidParams(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    const { code, message } = error as ResponseError<unknown>;
    if (code !== RpcErrorCodes.InvalidParams) {
      throw new Error(`expected JSON-RPC error -32602, got ${code}: ${message}`);
    }
    if (!pattern.test(message))
      throw new Error(`message ${JSON.stringify(message)} does not match ${pattern}`);
    return true;
  };
}

/** Awaits `request`, which must fail with invalid params; returns the error for further checks. */
export async function expectInvalidParams(
  request: Promise<unknown>,
): Promise<ResponseError<{ details?: unknown }>> {
  try {
    await request;
  } catch (error) {
    const responseError = error as ResponseError<{ details?: unknown }>;
    if (responseError.code !== RpcErrorCodes.InvalidParams) throw error;
    return responseError;
  }
  throw new Error('the request succeeded; it should have been refused');
}
