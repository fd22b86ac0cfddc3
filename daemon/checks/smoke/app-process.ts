/**
 * A checked app's running backend: `python3 app.py` in the sandbox's copy of the backend, in a
 * process group of its own (and, with a namespace, a network of its own), its output kept up to a
 * limit. With a fork server the process is forked from an interpreter that has Flask imported
 * (its output then comes over two Unix sockets in the sandbox folder); without one, the
 * interpreter is started for this app alone. Stopping it ends the whole group (SIGTERM, then
 * SIGKILL after the grace period), then what the app started and left (a forked app keeps those as
 * its children) and every process that escaped the group but still uses the sandbox folder, so
 * that nothing the app started outlives the check.
 */
import { spawn } from 'node:child_process';
import { unlink } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Forkserver } from './forkserver';
import { type Isolation, NAMESPACE_PREFIX } from './network-isolation';
import { OutputTail } from './output-tail';
import { descendantsOf, livingGroupMembers, processesUsing, startTimeOf } from './process-sweep';
import type { SandboxFolder } from './sandbox-folder';
import { GUARD_FILE_NAME } from './sandbox-guard';

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The spawn error (the interpreter or unshare not found), if the process never ran. */
  error?: string;
}

/** How the app is started: where, with what, and (when there is one) by which fork server. */
export interface AppLaunch {
  python: string;
  isolation: Isolation;
  folder: SandboxFolder;
  env: Record<string, string>;
  forkserver?: Forkserver;
}

/** What has arrived of a forked app's output, to tell when its last bytes are in. */
interface OutputArrival {
  ended: number;
  bytes: number;
}

/** How long the app's process group has after SIGTERM before SIGKILL. */
export const STOP_GRACE_MS = 2_000;
const POLL_MS = 20;
/** After a forked app ends, how long its last output may take to arrive over its sockets. */
const LAST_OUTPUT_MS = 200;

export class AppProcess {
  /** What the app printed, each stream on its own: Python writes tracebacks to stderr. */
  readonly stdout = new OutputTail();
  readonly stderr = new OutputTail();
  /** Set once the app's main process has ended. */
  exit: AppExit | undefined;
  readonly exited: Promise<AppExit>;
  private reportExit: (exit: AppExit) => void = () => {};
  private pidValue: number | undefined;
  /** When the app started (clock ticks since boot): what it started cannot be older. */
  private startTime: number | undefined;
  private readonly started: Promise<void>;
  private readonly printWaiters: (() => void)[] = [];
  private readonly closers: (() => void)[] = [];

  constructor(options: AppLaunch) {
    this.exited = new Promise((resolve) => {
      this.reportExit = (exit) => {
        if (this.exit) return;
        this.exit = exit;
        resolve(exit);
      };
    });
    void this.exited.then(() => this.wakeWaiters());
    this.started = options.forkserver
      ? this.fork(options.forkserver, options)
      : Promise.resolve(this.spawn(options));
  }

  private spawn(options: AppLaunch): void {
    const { python, isolation, folder, env } = options;
    const [command, ...args] =
      isolation === 'namespace' ? [...NAMESPACE_PREFIX, python, 'app.py'] : [python, 'app.py'];
    // unshare execs the interpreter in place, so the group's leader is the app itself either way.
    const child = spawn(command!, args, {
      cwd: folder.backend,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.pidValue = child.pid;
    this.startTime = child.pid === undefined ? undefined : startTimeOf(child.pid);
    this.read(child.stdout!, this.stdout);
    this.read(child.stderr!, this.stderr);
    child.once('error', (error) => this.reportExit({ code: null, signal: null, error: error.message }));
    child.once('exit', (code, signal) => this.reportExit({ code, signal }));
    // A pipe a stray process still held open would otherwise keep the event loop alive.
    this.closers.push(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
    });
  }

  private async fork(forkserver: Forkserver, options: AppLaunch): Promise<void> {
    const { folder } = options;
    const arrival: OutputArrival = { ended: 0, bytes: 0 };
    try {
      await Promise.all([
        this.listenForOutput(folder.stdoutSocket, this.stdout, arrival),
        this.listenForOutput(folder.stderrSocket, this.stderr, arrival),
      ]);
      const app = await forkserver.fork({
        sandbox: folder.root,
        cwd: folder.backend,
        env: options.env,
        guard: join(folder.guard, GUARD_FILE_NAME),
        stdout: folder.stdoutSocket,
        stderr: folder.stderrSocket,
        namespace: options.isolation === 'namespace',
      });
      this.pidValue = app.pid;
      this.startTime = app.startTime;
      void app.exited.then(async (exit) => {
        await lastOutput(arrival);
        this.reportExit(exit);
      });
    } catch {
      // The server ended since it was asked for, or the sockets could not be made: the app gets
      // an interpreter of its own instead.
      this.spawn(options);
    }
  }

  /** Keeps what `stream` prints in `tail`, waking whoever waits for output. */
  private read(stream: NodeJS.ReadableStream, tail: OutputTail, arrival?: OutputArrival): void {
    stream.on('data', (chunk: Buffer) => {
      tail.push(chunk);
      if (arrival) arrival.bytes += chunk.length;
      this.wakeWaiters();
    });
  }

  /** Listens on `path` for a forked app's output stream, kept in `tail`; stop() closes it. */
  private listenForOutput(path: string, tail: OutputTail, arrival: OutputArrival): Promise<void> {
    return new Promise((resolve, reject) => {
      const sockets: Socket[] = [];
      const server = createServer((socket) => {
        sockets.push(socket);
        this.read(socket, tail, arrival);
        socket.once('close', () => (arrival.ended += 1));
        socket.on('error', () => {
          // The app's end; what it sent is kept.
        });
      });
      server.once('error', reject);
      server.listen(path, () => {
        this.closers.push(() => {
          server.close();
          for (const socket of sockets) socket.destroy();
          void unlink(path).catch(() => {});
        });
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.pidValue;
  }

  /** Resolves when the app next writes to stdout or stderr, or has ended. */
  printed(): Promise<void> {
    if (this.exit) return Promise.resolve();
    return new Promise((resolve) => this.printWaiters.push(resolve));
  }

  private wakeWaiters(): void {
    for (const wake of this.printWaiters.splice(0)) wake();
  }

  /** Ends the app and everything it started; resolves when none of it is alive. */
  async stop(sandboxRoot: string): Promise<void> {
    await this.started;
    const pgid = this.pidValue;
    // What the app started and left is still its child (it is their subreaper when forked): known
    // now, before the app's end hands them on to whoever reaps orphans.
    const left = pgid === undefined ? [] : descendantsOf(pgid, this.startTime);
    if (pgid !== undefined) {
      signalGroup(pgid, 'SIGTERM');
      // The app's own exit is the usual end of the group: look again then, not a poll later.
      if (!(await until(() => livingGroupMembers(pgid).length === 0, STOP_GRACE_MS, this.exited))) {
        signalGroup(pgid, 'SIGKILL');
        await until(() => livingGroupMembers(pgid).length === 0, STOP_GRACE_MS, this.exited);
      }
    }
    // Processes that left the group (setsid, a double fork) were never asked nicely and are not now.
    await until(() => {
      const alive = [
        ...new Set([...processesUsing(sandboxRoot, this.startTime), ...stillAlive(left, this.startTime)]),
      ];
      for (const pid of alive) signalProcess(pid, 'SIGKILL');
      return alive.length === 0;
    }, STOP_GRACE_MS);
    if (pgid !== undefined) await within(this.exited, STOP_GRACE_MS);
    for (const close of this.closers.splice(0)) close();
  }
}

/** Those of `pids` still alive and no older than `startedSince` (a reused pid is someone else). */
function stillAlive(pids: number[], startedSince: number | undefined): number[] {
  return pids.filter((pid) => {
    const started = startTimeOf(pid);
    return started !== undefined && started >= (startedSince ?? 0);
  });
}

/**
 * Resolves once a forked app's output has arrived: its sockets closed, or nothing came for a few
 * turns of the event loop (a process it left may hold them open), at most LAST_OUTPUT_MS. Its end
 * is reported by the fork server on another channel, which can overtake what it printed last.
 */
async function lastOutput(arrival: OutputArrival): Promise<void> {
  const end = Date.now() + LAST_OUTPUT_MS;
  let quietTurns = 0;
  let seen = arrival.bytes;
  while (arrival.ended < 2 && quietTurns < 3 && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (arrival.bytes === seen) quietTurns += 1;
    else {
      quietTurns = 0;
      seen = arrival.bytes;
    }
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  signalProcess(-pgid, signal);
}

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** Waits for `promise`, at most `limitMs`, leaving no timer behind. */
async function within(promise: Promise<unknown>, limitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, limitMs)))]);
  clearTimeout(timer);
}

/**
 * Polls `done` until it holds or `limitMs` passes; tells which. The first pause ends early when
 * `wake` settles.
 */
async function until(done: () => boolean, limitMs: number, wake?: Promise<unknown>): Promise<boolean> {
  const end = Date.now() + limitMs;
  let early = wake;
  for (;;) {
    if (done()) return true;
    if (Date.now() >= end) return false;
    if (early) await within(early, POLL_MS);
    else await sleep(POLL_MS);
    early = undefined;
  }
}
