/**
 * A daemon started on a workspace that another daemon already serves becomes a relay: it passes the
 * bytes of its stdin to that daemon's socket and the answers back to its stdout, so both clients share
 * one engine and no job runs twice. The framing is the same on both sides, so bytes pass unchanged.
 */
import { connect, type Socket } from 'node:net';

/** How long to keep trying an owner that started this long ago (ms) before calling it unresponsive. */
const STARTUP_GRACE_MS = 5000;
const SETTLED_PATIENCE_MS = 1000;

/**
 * How long to wait for the lock holder's socket. An owner that started moments ago may not listen
 * yet; one that has run for a while and still refuses is not going to answer.
 */
export function ownerPatienceMs(startedAt: string, now: number): number {
  const started = Date.parse(startedAt);
  if (Number.isNaN(started)) return SETTLED_PATIENCE_MS;
  return Math.min(STARTUP_GRACE_MS, Math.max(SETTLED_PATIENCE_MS, started + STARTUP_GRACE_MS - now));
}

/**
 * Connects to the socket, retrying while the owner may still be starting. Stops early, with the last
 * error, once `giveUp` says the owner is gone.
 */
export async function connectWithRetry(
  path: string,
  timeoutMs: number,
  giveUp: () => boolean = () => false,
): Promise<Socket> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect(path);
        socket.once('connect', () => {
          socket.off('error', reject);
          resolve(socket);
        });
        socket.once('error', reject);
      });
    } catch (error) {
      if (Date.now() > deadline || giveUp()) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Who ended a relay: the client (its input closed) or the daemon (the socket closed first). */
export type RelayEnd = 'client' | 'daemon';

/** Relays until either side closes; resolves when the relay is over, once `output` has taken every byte. */
export function relay(
  socket: Socket,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<RelayEnd> {
  return new Promise((resolve) => {
    let clientEnded = false;
    const endFromClient = () => {
      clientEnded = true;
      socket.end();
    };
    input.pipe(socket);
    socket.pipe(output, { end: false });
    input.once('end', endFromClient);
    // A client that went away cannot be answered: stop reading from the daemon.
    output.once('error', () => {
      clientEnded = true;
      socket.destroy();
    });
    // 'close' always follows an error; the relay ends there.
    socket.on('error', () => undefined);
    socket.once('close', () => {
      const end: RelayEnd = clientEnded ? 'client' : 'daemon';
      // An empty write calls back once everything written before it has been handed on.
      output.write('', () => resolve(end));
    });
  });
}
