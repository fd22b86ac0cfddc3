/**
 * The first words on a workspace's socket, before any JSON-RPC. A daemon that finds the workspace
 * locked connects to the socket the lock names and says hello; the owner answers at once, even
 * while its stores are still opening, whether it serves ("ready") or is stopping. An answer proves
 * the lock's process is an AppGen daemon. A pid reused by an unrelated process serves no such socket;
 * a daemon that hangs accepts the connection but never answers.
 */
import type { Socket } from 'node:net';

const HELLO = 'appgen-relay 1';
const ANSWER = /^appgen-owner 1 (\d+) (ready|stopping)$/;
/** No line of the handshake is longer; a longer one is not the other side speaking it. */
const MAX_LINE = 200;

export type OwnerState = 'ready' | 'stopping';

export type OwnerAnswer =
  | { kind: OwnerState; pid: number }
  /** The socket closed without an answer (an owner that was closing). */
  | { kind: 'closed' }
  /** No answer within the time allowed. */
  | { kind: 'silent' }
  /** Something answered, but not an AppGen daemon. */
  | { kind: 'foreign'; said: string };

/** Says hello on a freshly connected socket and reads the owner's answer. */
export async function greetOwner(socket: Socket, timeoutMs: number): Promise<OwnerAnswer> {
  socket.write(`${HELLO}\n`);
  const line = await readLine(socket, timeoutMs);
  if (line.kind !== 'line') return line.kind === 'timeout' ? { kind: 'silent' } : { kind: 'closed' };
  const match = ANSWER.exec(line.text);
  if (!match) return { kind: 'foreign', said: line.text.slice(0, 80) };
  return { kind: match[2] as OwnerState, pid: Number(match[1]) };
}

/**
 * The owner's side: reads a connecting daemon's hello and answers with `state`. True when the
 * socket may carry JSON-RPC now; false when it was refused (not a hello, or the owner is stopping)
 * and has been closed.
 */
export async function answerRelay(
  socket: Socket,
  state: () => OwnerState,
  pid: number,
  timeoutMs: number,
): Promise<boolean> {
  const line = await readLine(socket, timeoutMs);
  if (line.kind !== 'line' || line.text !== HELLO) {
    socket.destroy();
    return false;
  }
  const now = state();
  socket.write(`appgen-owner 1 ${pid} ${now}\n`);
  if (now === 'stopping') {
    socket.end();
    return false;
  }
  return true;
}

type LineResult = { kind: 'line'; text: string } | { kind: 'timeout' } | { kind: 'closed' };

/**
 * Reads one `\n`-ended line. Bytes after it are put back into the socket, which is left paused for
 * the next reader.
 */
function readLine(socket: Socket, timeoutMs: number): Promise<LineResult> {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    const finish = (result: LineResult, rest?: Buffer) => {
      clearTimeout(timer);
      socket.pause();
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onClose);
      if (rest && rest.length > 0) socket.unshift(rest);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf(0x0a);
      if (end >= 0) {
        finish(
          { kind: 'line', text: received.subarray(0, end).toString('utf8') },
          received.subarray(end + 1),
        );
      } else if (received.length > MAX_LINE) {
        finish({ kind: 'line', text: received.toString('utf8') });
      }
    };
    const onClose = () => finish({ kind: 'closed' });
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('error', onClose);
  });
}
