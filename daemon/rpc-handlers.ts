/**
 * Puts the handler table (session/request-handlers.ts) on a client's connection: params are checked
 * against rpc/param-schemas.ts before a handler sees them, and what a handler throws becomes a
 * JSON-RPC error. The table's type holds it to shared/protocol.ts: one handler per request, with
 * the request's params and result.
 */
import { type MessageConnection, type RequestType, ResponseError } from 'vscode-jsonrpc';
import { RpcErrorCodes } from '../shared/errors';
import * as P from '../shared/protocol';
import { ConfigError } from './config';
import { asDaemonError, DaemonError } from './daemon-error';
import type { Logger } from './logger';
import { checkParams } from './rpc/param-checks';
import { PARAM_SCHEMAS, type RequestMethod } from './rpc/param-schemas';

/** A request the daemon answers, as `shared/protocol.ts` declares it. */
export type DaemonRequest = (typeof P.ALL_REQUESTS)[number];

/** The handler of `Request`: takes its params and gives its result (or a promise of it). */
export type HandlerOf<Request> =
  Request extends RequestType<infer Params, infer Result, void>
    ? (params: Params) => Result | Promise<Result>
    : never;

/**
 * One handler per request, each typed by its request: a handler whose params or result disagree with
 * the protocol, or a request without a handler, does not compile.
 */
export type DaemonHandlers = {
  readonly [M in RequestMethod]: HandlerOf<Extract<DaemonRequest, { method: M }>>;
};

/** Registers every handler on the connection, mapping thrown errors to JSON-RPC errors. */
export function registerHandlers(
  connection: MessageConnection,
  handlers: DaemonHandlers,
  log: Logger,
  /** Told of each request before its params are checked. */
  onRequest: () => void = () => {},
): void {
  for (const request of P.ALL_REQUESTS) {
    const method: RequestMethod = request.method;
    const handler: ((params: never) => unknown) | undefined = handlers[method];
    if (!handler) throw new Error(`No handler for ${method}`);
    const rule = PARAM_SCHEMAS[method];
    // vscode-jsonrpc passes params given by position as separate arguments, then the cancellation
    // token: one argument before the token is the params object (or the one positional value).
    connection.onRequest(method, async (...args: unknown[]) => {
      onRequest();
      if (args.length > 2) {
        throw invalidParams(`${method} takes one params object, by name`);
      }
      const checked = checkParams(rule, args.length === 2 ? args[0] : undefined);
      if (!checked.ok) throw invalidParams(checked.problem);
      try {
        // The params rule is the one check between the wire and the handlers: what passed it has
        // the shape the protocol declares for this request.
        return await handler(checked.params as never);
      } catch (error) {
        throw toResponseError(method, error, log);
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
