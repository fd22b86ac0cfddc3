/**
 * Translates protocol requests into calls on the daemon's services and their results or errors back
 * into JSON-RPC. Every request of shared/protocol.ts has an entry here; a test checks it. Params
 * are checked against rpc/param-schemas.ts before a handler sees them.
 */
import { type MessageConnection, ResponseError } from 'vscode-jsonrpc';
import { RpcErrorCodes } from '../shared/errors';
import * as P from '../shared/protocol';
import { ConfigError } from './config';
import { asDaemonError, DaemonError } from './daemon-error';
import type { Logger } from './logger';
import { checkParams } from './rpc/param-checks';
import { PARAM_SCHEMAS } from './rpc/param-schemas';

type Handler = (params: never) => unknown;

/** What the handlers call; main.ts builds it. */
export type DaemonHandlers = {
  // biome-ignore lint/suspicious/noExplicitAny: each handler declares its own params type
  [K in (typeof P.ALL_REQUESTS)[number]['method']]: (params: any) => Promise<unknown> | unknown;
};

/** Registers every handler on the connection, mapping thrown errors to JSON-RPC errors. */
export function registerHandlers(connection: MessageConnection, handlers: DaemonHandlers, log: Logger): void {
  for (const request of P.ALL_REQUESTS) {
    const handler = handlers[request.method as keyof DaemonHandlers] as Handler | undefined;
    if (!handler) throw new Error(`No handler for ${request.method}`);
    const rule = PARAM_SCHEMAS[request.method];
    // vscode-jsonrpc passes params given by position as separate arguments, then the cancellation
    // token: one argument before the token is the params object (or the one positional value).
    connection.onRequest(request.method, async (...args: unknown[]) => {
      if (args.length > 2) {
        throw invalidParams(`${request.method} takes one params object, by name`);
      }
      const checked = checkParams(rule, args.length === 2 ? args[0] : undefined);
      if (!checked.ok) throw invalidParams(checked.problem);
      try {
        return await (handler as (p: unknown) => unknown)(checked.params);
      } catch (error) {
        throw toResponseError(request.method, error, log);
      }
    });
  }
}

function invalidParams(message: string): ResponseError<unknown> {
  return new ResponseError(RpcErrorCodes.InvalidParams, message, { code: 'invalid_params' });
}

export function notImplemented(method: string): never {
  throw new ResponseError(RpcErrorCodes.NotImplemented, `${method} is not implemented yet`);
}

function toResponseError(method: string, error: unknown, log: Logger): ResponseError<unknown> {
  if (error instanceof ResponseError) return error;
  if (error instanceof ConfigError) return invalidParams(error.message);
  const daemonError = asDaemonError(error);
  if (daemonError.code === 'invalid_params') {
    return new ResponseError(RpcErrorCodes.InvalidParams, daemonError.message, {
      code: 'invalid_params',
      ...(daemonError.data.details !== undefined ? { details: daemonError.data.details } : {}),
    });
  }
  if (!(error instanceof DaemonError)) log.error('request failed', { method, error });
  return new ResponseError(RpcErrorCodes.InternalError, daemonError.message, { code: daemonError.code });
}
