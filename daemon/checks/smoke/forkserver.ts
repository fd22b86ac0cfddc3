/**
 * The checker's end of the fork server (forkserver-source.ts): one Python per interpreter that has
 * imported Flask once and forks a process for each checked app. A check then costs its app's own
 * work, not an interpreter's start and Flask's import, which is what lets checks run side by side
 * on a machine with few cores.
 *
 * The server is started on first use, with the same clean environment the apps get (no variable
 * of the user's beyond PATH), and ends when the checker does (its stdin closes). It keeps the
 * event loop alive only while one of its apps runs. When it cannot start, the caller starts each
 * app with its own interpreter, as before.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { FORKSERVER_SOURCE, SANDBOX_SLOT_BYTES, SANDBOX_SLOT_VARIABLE } from './forkserver-source';

export interface ForkRequest {
  /** The sandbox folder, which the app's processes are marked with (see the server's source). */
  sandbox: string;
  /** The app's working folder; its `app.py` is run. */
  cwd: string;
  env: Record<string, string>;
  /** The sandbox guard (sitecustomize.py), loaded before the app. */
  guard: string;
  /** Unix sockets the checker listens on, which become the app's stdout and stderr. */
  stdout: string;
  stderr: string;
  /** Whether the app enters a user and network namespace of its own. */
  namespace: boolean;
}

export interface ForkedExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: string;
}

export interface ForkedApp {
  pid: number;
  /** When the app's process started (clock ticks since boot). */
  startTime: number;
  exited: Promise<ForkedExit>;
}

const START_LIMIT_MS = 20_000;
const STDERR_KEPT = 4_096;

type ServerMessage =
  | { ready: true }
  | { id: number; pid: number; start: number }
  | { id: number; error: string }
  | { pid: number; code?: number; signal?: string };

export class Forkserver {
  /** Resolves true once the imports are done, false if the server ended or never started. */
  readonly ready: Promise<boolean>;
  /** Resolves with why, when the server has ended. */
  readonly whenEnded: Promise<string>;
  private readonly child: ChildProcess;
  private readonly forks = new Map<
    number,
    { resolve: (app: ForkedApp) => void; reject: (e: Error) => void }
  >();
  private readonly exits = new Map<number, (exit: ForkedExit) => void>();
  private nextId = 1;
  private buffered = '';
  private stderrTail = '';
  private endedWhy: string | undefined;

  constructor(python: string) {
    this.child = spawn(python, ['-c', FORKSERVER_SOURCE], {
      env: {
        PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        PYTHONDONTWRITEBYTECODE: '1',
        PYTHONUNBUFFERED: '1',
        PYTHONIOENCODING: 'utf-8',
        // The user's own site-packages: not on a spawned app's path either (its HOME is the sandbox's).
        PYTHONNOUSERSITE: '1',
        [SANDBOX_SLOT_VARIABLE]: '-'.repeat(SANDBOX_SLOT_BYTES),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let markReady: (ready: boolean) => void = () => {};
    let markEnded: (why: string) => void = () => {};
    this.whenEnded = new Promise((resolve) => (markEnded = resolve));
    this.ready = new Promise((resolve) => (markReady = resolve));
    const limit = setTimeout(() => this.child.kill('SIGKILL'), START_LIMIT_MS);
    limit.unref();
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (text: string) => {
      this.buffered += text;
      for (let newline = this.buffered.indexOf('\n'); newline >= 0; newline = this.buffered.indexOf('\n')) {
        const line = this.buffered.slice(0, newline);
        this.buffered = this.buffered.slice(newline + 1);
        const message = JSON.parse(line) as ServerMessage;
        if ('ready' in message) {
          clearTimeout(limit);
          this.setRef(this.forks.size > 0 || this.exits.size > 0);
          markReady(true);
        } else this.receive(message);
      }
    });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_KEPT);
    });
    this.child.stdin!.on('error', () => {
      // The server ended; its exit says why.
    });
    const ended = (why: string): void => {
      clearTimeout(limit);
      if (this.endedWhy !== undefined) return;
      const said = this.stderrTail.trim().split('\n').pop();
      this.endedWhy = said ? `${why}: ${said}` : why;
      markReady(false);
      for (const { reject } of this.forks.values()) reject(new Error(this.endedWhy));
      this.forks.clear();
      // Its apps live on in their own sessions (their checks stop them); only how they end is lost.
      for (const report of this.exits.values()) report({ code: null, signal: null, error: this.endedWhy });
      this.exits.clear();
      markEnded(this.endedWhy);
    };
    this.child.once('error', (error) => ended(`the fork server could not start (${error.message})`));
    // 'close', not 'exit': every line the server wrote before it ended has been read by then (its
    // apps hold none of its pipes).
    this.child.once('close', (code, signal) => ended(`the fork server ended (${signal ?? `code ${code}`})`));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the server has ended (it may have been ready before). */
  get ended(): boolean {
    return this.endedWhy !== undefined;
  }

  /** Forks an app; rejects when the server cannot. */
  fork(request: ForkRequest): Promise<ForkedApp> {
    if (this.endedWhy !== undefined) return Promise.reject(new Error(this.endedWhy));
    const id = this.nextId++;
    const forked = new Promise<ForkedApp>((resolve, reject) => this.forks.set(id, { resolve, reject }));
    this.setRef(true);
    this.child.stdin!.write(`${JSON.stringify({ id, ...request })}\n`);
    return forked;
  }

  /** Ends the server (its apps are not touched). */
  close(): void {
    this.child.stdin!.end();
  }

  private receive(message: Exclude<ServerMessage, { ready: true }>): void {
    if ('id' in message) {
      const waiting = this.forks.get(message.id);
      this.forks.delete(message.id);
      if (!waiting) return;
      if ('error' in message) {
        waiting.reject(new Error(message.error));
        this.setRef(this.exits.size > 0 || this.forks.size > 0);
        return;
      }
      const exited = new Promise<ForkedExit>((resolve) => this.exits.set(message.pid, resolve));
      waiting.resolve({ pid: message.pid, startTime: message.start, exited });
      return;
    }
    const report = this.exits.get(message.pid);
    this.exits.delete(message.pid);
    report?.({
      code: message.code ?? null,
      signal: (message.signal as NodeJS.Signals | undefined) ?? null,
    });
    this.setRef(this.exits.size > 0 || this.forks.size > 0);
  }

  /** The server keeps the checker alive only while it starts or owes an answer. */
  private setRef(on: boolean): void {
    for (const handle of [this.child, this.child.stdout, this.child.stderr, this.child.stdin]) {
      const refable = handle as { ref?: () => void; unref?: () => void } | null;
      if (on) refable?.ref?.();
      else refable?.unref?.();
    }
  }
}

const servers = new Map<string, Forkserver>();

/**
 * The fork server of `python`, started on first use; undefined when it could not start (then each
 * app starts its own interpreter). A server that ended after it was ready is started again.
 */
export async function forkserverFor(python: string): Promise<Forkserver | undefined> {
  // It reads /proc and calls prctl(2) and unshare(2): elsewhere each app starts its own interpreter.
  if (process.platform !== 'linux') return undefined;
  let server = servers.get(python);
  if (!server) {
    server = new Forkserver(python);
    servers.set(python, server);
  }
  if (!(await server.ready)) return undefined; // It stays the answer: no second try per process.
  if (!server.ended) return server;
  if (servers.get(python) === server) servers.delete(python);
  return forkserverFor(python);
}
