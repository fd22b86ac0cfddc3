/**
 * A checked app's running backend: `python3 app.py` in the sandbox's copy of the backend, in a
 * process group of its own (and, with a namespace, a network of its own), its output kept up to a
 * limit. Stopping it ends the whole group (SIGTERM, then SIGKILL after the grace period) and then
 * every process that escaped the group but still uses the sandbox folder, so that nothing the app
 * started outlives the check.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Isolation, NAMESPACE_PREFIX } from './network-isolation';
import { OutputTail } from './output-tail';
import { livingGroupMembers, processesUsing, startTimeOf } from './process-sweep';
import type { SandboxFolder } from './sandbox-folder';

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The spawn error (the interpreter or unshare not found), if the process never ran. */
  error?: string;
}

/** How long the app's process group has after SIGTERM before SIGKILL. */
export const STOP_GRACE_MS = 2_000;
const POLL_MS = 20;

export class AppProcess {
  /** What the app printed, each stream on its own: Python writes tracebacks to stderr. */
  readonly stdout = new OutputTail();
  readonly stderr = new OutputTail();
  /** Set once the app's main process has ended. */
  exit: AppExit | undefined;
  readonly exited: Promise<AppExit>;
  private readonly child: ChildProcess;
  /** When the app started (clock ticks since boot): what it started cannot be older. */
  private readonly startTime: number | undefined;
  private readonly printWaiters: (() => void)[] = [];

  constructor(options: {
    python: string;
    isolation: Isolation;
    folder: SandboxFolder;
    env: Record<string, string>;
  }) {
    const { python, isolation, folder, env } = options;
    const [command, ...args] =
      isolation === 'namespace' ? [...NAMESPACE_PREFIX, python, 'app.py'] : [python, 'app.py'];
    // unshare execs the interpreter in place, so the group's leader is the app itself either way.
    this.child = spawn(command!, args, {
      cwd: folder.backend,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.startTime = this.child.pid === undefined ? undefined : startTimeOf(this.child.pid);
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.stdout.push(chunk);
      this.wakeWaiters();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr.push(chunk);
      this.wakeWaiters();
    });
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.exit ??= { code: null, signal: null, error: error.message };
        resolve(this.exit);
      });
      this.child.once('exit', (code, signal) => {
        this.exit ??= { code, signal };
        resolve(this.exit);
      });
    });
    void this.exited.then(() => this.wakeWaiters());
  }

  get pid(): number | undefined {
    return this.child.pid;
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
    const pgid = this.child.pid;
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
      const left = processesUsing(sandboxRoot, this.startTime);
      for (const pid of left) signalProcess(pid, 'SIGKILL');
      return left.length === 0;
    }, STOP_GRACE_MS);
    if (pgid !== undefined) await within(this.exited, STOP_GRACE_MS);
    // A pipe a stray process still held open would otherwise keep the event loop alive.
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
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
