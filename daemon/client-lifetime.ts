/**
 * The clients a daemon serves and how long it lives for them. The client that started the daemon
 * (on its stdio) and those relayed to its socket are equals: the daemon outlives any one of them,
 * so no client loses its job because another left. It stops when the only client left asks it to
 * (`daemon/shutdown`), or once no client is connected and no job is waiting to start or running.
 */
import type { NotificationType } from 'vscode-jsonrpc';
import type { ShutdownResult } from '../shared/protocol';
import type { ClientConnection } from './client-connection';
import type { Logger } from './logger';

export interface ClientLifetimeDeps {
  /**
   * Whether a job is running, or waiting for a slot it can get (not behind a paused queue), or an
   * app check is under way.
   */
  busy: () => boolean;
  /** Stops the daemon: running calls are aborted, unfinished jobs stay recorded, the process exits. */
  stop: () => void;
  log: Logger;
}

export class ClientLifetime {
  private readonly clients = new Set<ClientConnection>();
  private checkScheduled = false;

  constructor(private readonly deps: ClientLifetimeDeps) {}

  get size(): number {
    return this.clients.size;
  }

  /** Serves `client` from now on; its connection closing (its input ended) is its leaving. */
  add(client: ClientConnection): void {
    this.clients.add(client);
    client.connection.onClose(() => this.leave(client, 'disconnected'));
  }

  /** Whether any client is still being sent a megabyte or more (a batch's reply, a flood). */
  anyBackedUp(): boolean {
    for (const client of this.clients) if (client.backedUp()) return true;
    return false;
  }

  notifyAll<P>(type: NotificationType<P>, params: P): void {
    for (const client of this.clients) void client.connection.sendNotification(type.method, params);
  }

  /**
   * `daemon/shutdown` from `client`. With other clients connected only its own connection ends
   * (after the reply); as the last one, it stops the daemon.
   */
  shutdownRequested(client: ClientConnection): ShutdownResult {
    const others = [...this.clients].filter((other) => other !== client).length;
    // Answer first, then act: the reply must reach the client before its connection ends.
    setImmediate(() => {
      // The client may have closed its end already, having its reply: then it has left, and only
      // the others still connected decide whether the daemon stays.
      const stillHere = this.clients.has(client);
      const othersNow = this.clients.size - (stillHere ? 1 : 0);
      if (others === 0 || othersNow === 0) {
        this.deps.stop();
      } else if (stillHere) {
        this.leave(client, 'asked to end its connection');
        client.end();
      }
    });
    return others > 0 ? { otherClients: others } : {};
  }

  /** Jobs changed: once the last of them is done, a daemon without clients stops. */
  jobsChanged(): void {
    if (this.clients.size > 0 || this.checkScheduled) return;
    // After the turn: the change is announced before the job leaves the running set.
    this.checkScheduled = true;
    setImmediate(() => {
      this.checkScheduled = false;
      if (this.clients.size === 0 && !this.deps.busy()) this.deps.stop();
    });
  }

  private leave(client: ClientConnection, how: string): void {
    if (!this.clients.delete(client)) return;
    this.deps.log.info(`${client.transport} client ${how}`, { clients: this.clients.size });
    this.stopIfIdle();
  }

  private stopIfIdle(): void {
    if (this.clients.size > 0) return;
    if (this.deps.busy()) {
      this.deps.log.info('no client connected; the daemon stays until its jobs are done');
      return;
    }
    this.deps.stop();
  }
}
