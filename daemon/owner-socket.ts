/**
 * The workspace's local socket, served by the daemon that owns the workspace: other daemons (the
 * command line, a second editor window) relay their clients to it. A connection is taken once it has
 * said hello (see owner-handshake.ts). While the daemon stops, new ones are told so and wait for the
 * lock to be released, instead of joining a daemon that is about to go.
 */
import { rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { answerRelay, type OwnerState } from './owner-handshake';

/** A connecting daemon says hello at once; one that does not within this is not a relay. */
const HELLO_TIMEOUT_MS = 10_000;

export class OwnerSocket {
  private state: OwnerState = 'ready';
  private serve: ((socket: Socket) => void) | undefined;
  /** Relays that connected before `onClient`: their bytes stay buffered until there is someone to answer. */
  private readonly early: Socket[] = [];

  private constructor(private readonly server: Server) {}

  /** Listens on `path`; a socket file left by a dead owner is replaced. */
  static async listen(path: string, pid: number): Promise<OwnerSocket> {
    if (process.platform !== 'win32') await rm(path, { force: true });
    const server = createServer();
    const owner = new OwnerSocket(server);
    server.on('connection', (socket) => {
      socket.on('error', () => socket.destroy());
      void answerRelay(socket, () => owner.state, pid, HELLO_TIMEOUT_MS).then((accepted) => {
        if (!accepted) return;
        if (owner.serve) owner.serve(socket);
        else owner.early.push(socket);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return owner;
  }

  /** Hands every relayed client to `serve`, those that came early first. */
  onClient(serve: (socket: Socket) => void): void {
    this.serve = serve;
    for (const socket of this.early.splice(0)) serve(socket);
  }

  /** New relays are told the daemon is stopping; those already served stay until it exits. */
  stopping(): void {
    this.state = 'stopping';
  }

  /**
   * Stops listening, which also removes the socket file. Called before the lock is released, so
   * that it can never remove the socket of the daemon that owns the workspace next.
   */
  close(): void {
    this.server.close();
  }
}
