/**
 * A daemon's start on a workspace: it becomes the owner (holds the lock and listens on the
 * workspace's socket before it opens the stores), or hands its client over to the owner and relays
 * until either side closes, or says why it can do neither. The lock and the relay are parameters.
 */
import type { Socket } from 'node:net';
import type { Logger } from './logger';
import { type Ownership, type OwnershipOptions, ownOrRelay } from './owner-or-relay';
import { OwnerSocket } from './owner-socket';
import { type RelayEnd, relay } from './relay';
import { socketPathFor } from './workspace-lock';

export type WorkspaceClaim<Listening> =
  | { kind: 'owner'; release: () => Promise<void>; socket: Listening }
  /** The client was served by the owner until the relay ended: this process has no more to do. */
  | { kind: 'relayed'; end: RelayEnd }
  | { kind: 'refused'; message: string };

export interface ClaimOptions {
  workspace: string;
  stateDir: string;
  pid: number;
  /** The client's end: the daemon's stdin and stdout. */
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  log: Logger;
  now?: () => Date;
}

export interface ClaimDeps<Listening> {
  ownOrRelay: (options: OwnershipOptions) => Promise<Ownership>;
  relay: (socket: Socket, input: NodeJS.ReadableStream, output: NodeJS.WritableStream) => Promise<RelayEnd>;
  listen: (socketPath: string, pid: number) => Promise<Listening>;
}

export const NODE_CLAIM_DEPS: ClaimDeps<OwnerSocket> = {
  ownOrRelay,
  relay,
  listen: (socketPath, pid) => OwnerSocket.listen(socketPath, pid),
};

export async function claimWorkspace<Listening>(
  options: ClaimOptions,
  deps: ClaimDeps<Listening>,
): Promise<WorkspaceClaim<Listening>> {
  const { workspace, stateDir, pid, log } = options;
  const socketPath = socketPathFor(workspace);
  const startedAt = (options.now ?? (() => new Date()))().toISOString();
  const ownership = await deps.ownOrRelay({
    workspace,
    stateDir,
    info: { pid, socket: socketPath, startedAt },
    log,
  });
  switch (ownership.kind) {
    case 'refused':
      return ownership;
    case 'relay': {
      // Another daemon owns this workspace: share its engine instead of opening the stores twice.
      const end = await deps.relay(ownership.socket, options.input, options.output);
      if (end === 'daemon') {
        log.info('the daemon serving this workspace closed the connection', { pid: ownership.holder.pid });
      }
      return { kind: 'relayed', end };
    }
    case 'owner':
      // Listening before the stores open: a relay that connects meanwhile is answered at once and
      // its requests wait (buffered) until the handlers exist.
      return { kind: 'owner', release: ownership.release, socket: await deps.listen(socketPath, pid) };
  }
}
