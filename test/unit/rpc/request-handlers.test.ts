import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import {
  createMessageConnection,
  type MessageConnection,
  type ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import type { ClientConnection } from '../../../daemon/client-connection';
import { DaemonError } from '../../../daemon/daemon-error';
import { createLogger } from '../../../daemon/logger';
import type { RequestMethod } from '../../../daemon/rpc/param-schemas';
import { type DaemonHandlers, registerHandlers } from '../../../daemon/rpc-handlers';
import { type RequestHandlerDeps, requestHandlers } from '../../../daemon/session/request-handlers';
import type { Job } from '../../../shared/job';
import * as P from '../../../shared/protocol';

const unused = (): never => {
  throw new Error('not called in this test');
};

/** A handler for every request that fails if called. */
function noHandlers(): DaemonHandlers {
  const table: Partial<Record<RequestMethod, () => never>> = {};
  for (const request of P.ALL_REQUESTS) table[request.method] = unused;
  return table as DaemonHandlers;
}
const NONE = noHandlers();

// The compiler holds each handler to its request: each of these fails `npm run typecheck` once it
// stops doing so (an unused @ts-expect-error is an error).
const refusedByTheCompiler: Array<Partial<DaemonHandlers>> = [
  // @ts-expect-error the protocol's result is { resumed: boolean }
  { 'daemon/resume': () => ({ resumed: 'yes' }) },
  // @ts-expect-error the protocol's jobId is a string
  { 'generation/get': (params: { jobId: number }) => ({ id: String(params.jobId) }) as Job },
  // @ts-expect-error a request that does not exist has no handler
  { 'generation/nope': () => ({}) },
  // @ts-expect-error the protocol's cancel result counts jobs
  { 'batch/cancel': async () => ({ cancelled: true }) },
];
// @ts-expect-error every request must have a handler
const incomplete: DaemonHandlers = { initialize: NONE.initialize };

describe('request handlers', () => {
  let client: MessageConnection;
  let daemon: MessageConnection;
  const logged: string[] = [];

  function serve(handlers: DaemonHandlers): void {
    const toDaemon = new PassThrough();
    const toClient = new PassThrough();
    daemon = createMessageConnection(new StreamMessageReader(toDaemon), new StreamMessageWriter(toClient));
    client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toDaemon));
    registerHandlers(
      daemon,
      handlers,
      createLogger((line) => logged.push(line)),
    );
    daemon.listen();
    client.listen();
  }

  afterEach(() => {
    client?.dispose();
    daemon?.dispose();
    logged.length = 0;
  });

  it('are held to the protocol by the compiler (see the @ts-expect-error lines above)', () => {
    assert.equal(refusedByTheCompiler.length, 4);
    assert.equal(typeof incomplete, 'object');
  });

  it('the table has a handler for every request of the protocol, and for nothing else', () => {
    // Building the table calls nothing: the services are only reached when a request comes.
    const table = requestHandlers({} as RequestHandlerDeps)({} as ClientConnection);
    assert.deepEqual(Object.keys(table).sort(), P.ALL_REQUESTS.map((request) => request.method).sort());
    for (const handler of Object.values(table)) assert.equal(typeof handler, 'function');
  });

  it('hands a handler the params its rule passed, and sends back its result', async () => {
    const seen: P.HistoryListParams[] = [];
    serve({
      ...NONE,
      'history/list': (params) => {
        seen.push(params);
        return [];
      },
    });
    assert.deepEqual(await client.sendRequest(P.HistoryListRequest, { limit: null } as never), []);
    assert.deepEqual(await client.sendRequest('history/list'), []);
    assert.deepEqual(seen, [{}, {}], 'null fields and absent params come as absent');
  });

  it('refuses params its rule refuses with -32602, without calling the handler', async () => {
    serve(NONE);
    const error = (await client
      .sendRequest('generation/get', { jobId: 5 })
      .catch((e) => e)) as ResponseError<unknown>;
    assert.equal(error.code, -32602);
    assert.equal(error.message, 'jobId must be a string, got 5');
    assert.deepEqual(error.data, { code: 'invalid_params' });
    const positional = (await client
      .sendRequest('generation/get', 'a', 'b')
      .catch((e) => e)) as ResponseError<unknown>;
    assert.equal(positional.message, 'generation/get takes one params object, by name');
    assert.deepEqual(logged, []);
  });

  it('maps what a handler throws: invalid_params to -32602, other codes to -32603 with the code', async () => {
    serve({
      ...NONE,
      'generation/get': (params) => {
        throw new DaemonError('invalid_params', `Unknown job "${params.jobId}"`, { details: ['x'] });
      },
      'generation/retry': () => {
        throw new DaemonError('lock_timeout', 'the app is busy');
      },
      'generation/cancel': () => {
        throw new TypeError('a defect');
      },
    });
    const refused = (await client
      .sendRequest(P.GenerationGetRequest, { jobId: 'j1' })
      .catch((e) => e)) as ResponseError<unknown>;
    assert.deepEqual([refused.code, refused.message], [-32602, 'Unknown job "j1"']);
    assert.deepEqual(refused.data, { code: 'invalid_params', details: ['x'] });
    const failed = (await client
      .sendRequest(P.GenerationRetryRequest, { jobId: 'j1' })
      .catch((e) => e)) as ResponseError<unknown>;
    assert.deepEqual(
      [failed.code, failed.message, failed.data],
      [-32603, 'the app is busy', { code: 'lock_timeout' }],
    );
    assert.deepEqual(logged, [], 'an error the daemon raised on purpose is not a defect to log');
    const defect = (await client
      .sendRequest(P.GenerationCancelRequest, { jobId: 'j1' })
      .catch((e) => e)) as ResponseError<unknown>;
    assert.equal(defect.code, -32603);
    assert.equal(logged.length, 1);
    assert.match(logged[0]!, /request failed/);
  });
});
