/**
 * At start, a daemon either owns the workspace (it holds the lock and opens the stores) or relays
 * its client to the daemon that does. The lock names a pid and a socket; only an answer on that
 * socket proves the pid is an AppGen daemon. A live pid that serves nothing there is some other
 * process that got the pid of a daemon gone long ago, and its lock is taken over.
 */
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { LOCK_FILE_NAME } from '../shared/workspace-layout';
import type { Logger } from './logger';
import { greetOwner } from './owner-handshake';
import { connectWithRetry, ownerPatienceMs } from './relay';
import { acquireWorkspaceLock, type LockInfo, processAlive } from './workspace-lock';

export type Ownership =
  | { kind: 'owner'; release: () => Promise<void> }
  | { kind: 'relay'; socket: Socket; holder: LockInfo }
  | { kind: 'refused'; message: string };

export interface OwnershipOptions {
  workspace: string;
  stateDir: string;
  /** What this daemon writes into the lock when it becomes the owner. */
  info: LockInfo;
  log: Logger;
  /** How long the owner may take to answer a hello; it answers from its event loop at once. */
  answerTimeoutMs?: number;
  /** How long an owner that says it is stopping may take to release the lock. */
  stoppingPatienceMs?: number;
}

/** What reaching the lock's holder found. */
type Reached =
  | { kind: 'ready'; socket: Socket }
  | { kind: 'stopping' }
  /** Nothing accepts connections on its socket, yet its pid lives: not a daemon. */
  | { kind: 'absent' }
  /** The holder exited meanwhile. */
  | { kind: 'gone' }
  | { kind: 'silent' }
  | { kind: 'foreign'; said: string };

/** Takes the workspace's lock, or finds its owner to relay to, or says why neither is possible. */
export async function ownOrRelay(options: OwnershipOptions): Promise<Ownership> {
  const { workspace, stateDir, info, log } = options;
  const answerTimeoutMs = options.answerTimeoutMs ?? 10_000;
  const stoppingPatienceMs = options.stoppingPatienceMs ?? 60_000;
  let stoppingSince: number | undefined;
  for (;;) {
    const lock = await acquireWorkspaceLock(stateDir, info);
    if (lock.kind === 'owner') return { kind: 'owner', release: lock.release };
    const { holder } = lock;
    const inUse = `workspace ${workspace} is in use by another AppGen process (pid ${holder.pid})`;
    log.info('workspace locked by another process; asking it to serve this client', {
      pid: holder.pid,
      socket: holder.socket,
    });
    const reached = await reachHolder(holder, answerTimeoutMs);
    switch (reached.kind) {
      case 'ready':
        log.info('workspace served by another daemon; relaying', { pid: holder.pid });
        return { kind: 'relay', socket: reached.socket, holder };
      case 'gone':
        continue;
      case 'stopping':
        // It releases the lock once its stores are closed; then this daemon takes the workspace.
        stoppingSince ??= Date.now();
        if (Date.now() - stoppingSince > stoppingPatienceMs) {
          return {
            kind: 'refused',
            message: `${inUse} that is stopping and has not released the workspace within ${Math.round(stoppingPatienceMs / 1000)} s`,
          };
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      case 'absent':
        log.warn(
          `replaced the workspace lock of pid ${holder.pid}: that process is alive but is not an AppGen daemon (nothing answers on ${holder.socket})`,
          { pid: holder.pid, socket: holder.socket, startedAt: holder.startedAt },
        );
        await lock.takeOver();
        continue;
      case 'silent':
        return { kind: 'refused', message: `${inUse} that does not answer on ${holder.socket}` };
      case 'foreign':
        return {
          kind: 'refused',
          message: `workspace ${workspace} is locked by pid ${holder.pid}, and ${holder.socket} answers, but not as an AppGen daemon (it said ${JSON.stringify(reached.said)}); stop that process or remove ${join(stateDir, LOCK_FILE_NAME)}`,
        };
    }
  }
}

async function reachHolder(holder: LockInfo, answerTimeoutMs: number): Promise<Reached> {
  let socket: Socket;
  try {
    // An owner that started moments ago may not listen yet; one that exits meanwhile ends the wait.
    socket = await connectWithRetry(
      holder.socket,
      ownerPatienceMs(holder.startedAt, Date.now()),
      () => !processAlive(holder.pid),
    );
  } catch {
    return processAlive(holder.pid) ? { kind: 'absent' } : { kind: 'gone' };
  }
  const answer = await greetOwner(socket, answerTimeoutMs);
  if (answer.kind === 'ready') return { kind: 'ready', socket };
  socket.destroy();
  switch (answer.kind) {
    case 'stopping':
    case 'closed':
      return { kind: 'stopping' };
    case 'silent':
      return { kind: 'silent' };
    case 'foreign':
      return { kind: 'foreign', said: answer.said };
  }
}
