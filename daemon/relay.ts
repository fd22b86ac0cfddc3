/**
 * A daemon started on a workspace that another daemon already serves becomes a relay: it passes the
 * bytes of its stdin to that daemon's socket and the answers back to its stdout, so both clients share
 * one engine and no job runs twice. The framing is the same on both sides, so bytes pass unchanged.
 */
import { connect, type Socket } from 'node:net';

/** Connects to the socket, retrying briefly while the owner may still be starting. */
export async function connectWithRetry(path: string, timeoutMs: number): Promise<Socket> {
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
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Relays until either side closes; resolves when the relay is over. */
export function relay(
  socket: Socket,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<void> {
  return new Promise((resolve) => {
    input.pipe(socket);
    socket.pipe(output, { end: false });
    const done = () => resolve();
    socket.once('close', done);
    input.once('end', () => socket.end());
  });
}
