/**
 * Translates protocol requests into calls on the daemon's services and their results or errors back
 * into JSON-RPC. Every request of shared/protocol.ts has an entry here; a test checks it.
 */
import { type MessageConnection, ResponseError } from 'vscode-jsonrpc';
import { RpcErrorCodes } from '../shared/errors';
import * as P from '../shared/protocol';
import { ConfigError } from './config';
import { asDaemonError, DaemonError } from './daemon-error';
import type { Logger } from './logger';

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
    connection.onRequest(request.method, async (params: unknown) => {
      try {
        return await (handler as (p: unknown) => unknown)(params ?? {});
      } catch (error) {
        throw toResponseError(request.method, error, log);
      }
    });
  }
}

export function notImplemented(method: string): never {
  throw new ResponseError(RpcErrorCodes.NotImplemented, `${method} is not implemented yet`);
}

function toResponseError(method: string, error: unknown, log: Logger): ResponseError<unknown> {
  if (error instanceof ResponseError) return error;
  if (error instanceof ConfigError) {
    return new ResponseError(RpcErrorCodes.InvalidParams, error.message, { code: 'invalid_params' });
  }
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
