import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerRelay, greetOwner, type OwnerState } from '../../daemon/owner-handshake';

describe('owner handshake (the first words on a workspace socket)', () => {
  let dir: string;
  let server: Server | undefined;
  const sockets: Socket[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'appgen-handshake-'));
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    if (server) await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** Serves a socket whose every connection is handled by `onConnection`; resolves with a client. */
  async function serve(onConnection: (socket: Socket) => void): Promise<Socket> {
    const path = join(dir, 'owner.sock');
    server = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
      onConnection(socket);
    });
    await new Promise<void>((resolve) => server!.listen(path, resolve));
    const client = connect(path);
    sockets.push(client);
    await once(client, 'connect');
    return client;
  }

  /** An owner in `state`, answering with the real owner side; `accepted` gets what it decided. */
  function owner(state: OwnerState, accepted: boolean[]): (socket: Socket) => void {
    return (socket) => {
      void answerRelay(socket, () => state, 4242, 1000).then((ok) => {
        accepted.push(ok);
        // Left paused for the next reader, which resumes it (as the frame reader does).
        if (ok) socket.on('data', (chunk) => socket.write(`echo:${chunk}`)).resume();
      });
    };
  }

  it('is answered "ready" with the pid by a serving owner, and the socket then carries what follows', async () => {
    const accepted: boolean[] = [];
    const client = await serve(owner('ready', accepted));
    assert.deepEqual(await greetOwner(client, 1000), { kind: 'ready', pid: 4242 });
    assert.deepEqual(accepted, [true]);
    client.write('Content-Length: 2\r\n\r\n{}');
    client.resume();
    const [echo] = (await once(client, 'data')) as [Buffer];
    assert.equal(echo.toString(), 'echo:Content-Length: 2\r\n\r\n{}');
  });

  it('hands bytes that came with the hello to the JSON-RPC reader, none lost', async () => {
    const received: string[] = [];
    const client = await serve((socket) => {
      void answerRelay(socket, () => 'ready', 1, 1000).then(() => {
        socket.on('data', (chunk) => received.push(chunk.toString())).resume();
      });
    });
    client.write('appgen-relay 1\nContent-Length: 2\r\n\r\n{}');
    await once(client, 'data');
    while (received.join('') !== 'Content-Length: 2\r\n\r\n{}') await new Promise((r) => setImmediate(r));
  });

  it('is answered "stopping" by an owner that is stopping, which then closes the socket', async () => {
    const accepted: boolean[] = [];
    const client = await serve(owner('stopping', accepted));
    assert.deepEqual(await greetOwner(client, 1000), { kind: 'stopping', pid: 4242 });
    client.resume();
    await once(client, 'end');
    assert.deepEqual(accepted, [false]);
  });

  it('finds a socket that accepts but never answers silent once the time allowed is over', async () => {
    const client = await serve(() => undefined);
    assert.deepEqual(await greetOwner(client, 50), { kind: 'silent' });
  });

  it('finds a socket that answers something else foreign, quoting what it said', async () => {
    const client = await serve((socket) => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const answer = await greetOwner(client, 1000);
    assert.equal(answer.kind, 'foreign');
    assert.match((answer as { said: string }).said, /^HTTP\/1\.1 400/);
  });

  it('finds a socket closed without an answer closed', async () => {
    const client = await serve((socket) => socket.end());
    assert.deepEqual(await greetOwner(client, 1000), { kind: 'closed' });
  });

  it('makes the owner close a connection that does not start with the hello', async () => {
    const accepted: boolean[] = [];
    const client = await serve(owner('ready', accepted));
    client.write('Content-Length: 2\r\n\r\n{}\n');
    client.resume();
    await once(client, 'close');
    assert.deepEqual(accepted, [false]);
  });
});
