import { strict as assert } from 'node:assert';
import type { MessageConnection } from 'vscode-jsonrpc';
import type { ClientConnection } from '../../daemon/client-connection';
import { ClientLifetime } from '../../daemon/client-lifetime';
import { createLogger } from '../../daemon/logger';
import * as P from '../../shared/protocol';

/** A client whose connection closing the test controls; it records what it was sent. */
function fakeClient(transport = 'socket') {
  let onClose: () => void = () => undefined;
  const sent: unknown[] = [];
  let ended = 0;
  const client: ClientConnection = {
    transport,
    connection: {
      onClose: (listener: () => void) => {
        onClose = listener;
        return { dispose: () => undefined };
      },
      sendNotification: async (_method: string, params: unknown) => {
        sent.push(params);
      },
    } as unknown as MessageConnection,
    backedUp: () => false,
    end: () => {
      ended += 1;
    },
  };
  return { client, sent, close: () => onClose(), ended: () => ended };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('ClientLifetime (how long the daemon lives for its clients)', () => {
  let busy: boolean;
  let stops: number;
  let lifetime: ClientLifetime;
  beforeEach(() => {
    busy = false;
    stops = 0;
    lifetime = new ClientLifetime({
      busy: () => busy,
      stop: () => {
        stops += 1;
      },
      log: createLogger(() => undefined),
    });
  });

  it('ends only the asking client on daemon/shutdown while another is connected, after the reply', async () => {
    const first = fakeClient('stdio');
    const second = fakeClient();
    lifetime.add(first.client);
    lifetime.add(second.client);
    assert.deepEqual(lifetime.shutdownRequested(first.client), { otherClients: 1 });
    assert.equal(first.ended(), 0, 'not before the reply has gone out');
    await turn();
    assert.equal(first.ended(), 1);
    assert.equal(stops, 0);
    assert.equal(lifetime.size, 1);
    lifetime.notifyAll(P.PausedNotification, { reason: 'r' });
    assert.deepEqual(first.sent, [], 'a client that left hears nothing more');
    assert.deepEqual(second.sent, [{ reason: 'r' }]);
  });

  it('keeps serving the others when the asking client disconnects before its shutdown takes effect', async () => {
    const editor = fakeClient('stdio');
    const cli = fakeClient();
    lifetime.add(editor.client);
    lifetime.add(cli.client);
    assert.deepEqual(lifetime.shutdownRequested(cli.client), { otherClients: 1 });
    cli.close(); // it has the reply and closes its end before the daemon's next turn
    await turn();
    assert.equal(stops, 0, 'the editor is still connected');
    assert.equal(lifetime.size, 1);
    assert.equal(cli.ended(), 0, 'nothing left to end');
  });

  it('stops on daemon/shutdown when the other clients left before it took effect', async () => {
    const first = fakeClient('stdio');
    const second = fakeClient();
    lifetime.add(first.client);
    lifetime.add(second.client);
    busy = true;
    assert.deepEqual(lifetime.shutdownRequested(first.client), { otherClients: 1 });
    second.close();
    await turn();
    assert.equal(stops, 1, 'the asking client is the last one now');
  });

  it('still stops on daemon/shutdown from the last client when it disconnects at once', async () => {
    const only = fakeClient();
    lifetime.add(only.client);
    busy = true;
    assert.deepEqual(lifetime.shutdownRequested(only.client), {});
    only.close();
    await turn();
    assert.equal(stops, 1, 'asked to stop, not to wait for the jobs');
  });

  it('stops the daemon on daemon/shutdown from the last client, even with jobs running', async () => {
    const only = fakeClient();
    lifetime.add(only.client);
    busy = true;
    assert.deepEqual(lifetime.shutdownRequested(only.client), {});
    await turn();
    assert.equal(stops, 1);
  });

  it('stops once the last client has left when no job waits or runs', () => {
    const first = fakeClient();
    const second = fakeClient();
    lifetime.add(first.client);
    lifetime.add(second.client);
    first.close();
    assert.equal(stops, 0, 'one client is still connected');
    second.close();
    assert.equal(stops, 1);
  });

  it('stays while jobs run after the last client left, and stops when they are done', async () => {
    const only = fakeClient();
    lifetime.add(only.client);
    busy = true;
    only.close();
    assert.equal(stops, 0);
    lifetime.jobsChanged();
    await turn();
    assert.equal(stops, 0, 'a job still runs');
    busy = false;
    lifetime.jobsChanged();
    assert.equal(stops, 0, 'checked after the turn: the change is announced before the job is let go');
    await turn();
    assert.equal(stops, 1);
  });

  it('ignores job changes while a client is connected', async () => {
    lifetime.add(fakeClient().client);
    lifetime.jobsChanged();
    await turn();
    assert.equal(stops, 0);
  });
});
