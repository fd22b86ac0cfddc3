/**
 * Compiles backends' Python files without running them, in one interpreter process that serves
 * every check of the daemon: each request gives the files' texts on stdin and gets, in JSON, each
 * file's syntax error if it has one (`compile(source, file, 'exec')` builds code objects and
 * executes nothing). One process for all apps, because starting a process costs the daemon more
 * CPU than everything else a static check does. Isolated (`-I -S`: no site packages, user folders
 * or PYTHON* variables), with PATH as its only environment, no shell, and a time limit per
 * request; a process that times out or dies is replaced for the next request.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import type { CheckFinding } from './level-result';

export interface PythonSource {
  /** App-relative, as findings name it. */
  file: string;
  source: string;
}

export type PythonCompileResult =
  | { status: 'ran'; findings: CheckFinding[]; version: string }
  | { status: 'skipped'; reason: string };

export interface PythonWorkerOptions {
  /** The interpreter (see `findPython`). */
  command: string;
  /** PATH for the interpreter, its whole environment. */
  path: string;
  timeoutMs: number;
  /** An idle process ends after this long. */
  idleMs?: number;
}

// One request per line: {"id": n, "files": [[file, source], ...]}; one answer per line:
// {"id": n, "version": "3.11.7", "results": [null | [line, column, message], ...]}.
const SERVER = `
import sys, json
version = sys.version.split()[0]
for line in sys.stdin.buffer:
    request = json.loads(line.decode('utf-8'))
    results = []
    for name, source in request['files']:
        try:
            compile(source, name, 'exec', dont_inherit=True)
            results.append(None)
        except SyntaxError as error:
            results.append([error.lineno, error.offset, type(error).__name__ + ': ' + str(error.msg)])
        except Exception as error:
            results.append([None, None, type(error).__name__ + ': ' + str(error)])
    sys.stdout.write(json.dumps({'id': request['id'], 'version': version, 'results': results}) + '\\n')
    sys.stdout.flush()
`;

interface Pending {
  id: number;
  files: readonly PythonSource[];
  resolve: (result: PythonCompileResult) => void;
}

/** One interpreter process, started on first use; requests are answered one after another. */
export class PythonWorker {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly queue: Pending[] = [];
  private current: { pending: Pending; timer: NodeJS.Timeout } | undefined;
  private buffered = '';
  private stderr = '';
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(readonly options: PythonWorkerOptions) {}

  compile(files: readonly PythonSource[]): Promise<PythonCompileResult> {
    if (files.length === 0) return Promise.resolve({ status: 'ran', findings: [], version: '' });
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, files, resolve });
      this.next();
    });
  }

  /** Ends the process; requests waiting are answered `skipped`. */
  dispose(): void {
    for (const pending of this.queue.splice(0)) pending.resolve(skipped('the daemon is stopping'));
    this.stop('the daemon is stopping');
  }

  private next(): void {
    if (this.current || this.queue.length === 0) return;
    clearTimeout(this.idleTimer);
    const pending = this.queue.shift()!;
    const child = this.child ?? this.start();
    if (!child) return;
    const timer = setTimeout(
      () => this.stop(`${this.options.command} did not finish compiling within ${this.options.timeoutMs} ms`),
      this.options.timeoutMs,
    );
    this.current = { pending, timer };
    child.stdin.write(
      `${JSON.stringify({ id: pending.id, files: pending.files.map((f) => [f.file, f.source]) })}\n`,
    );
  }

  private start(): ChildProcessWithoutNullStreams | undefined {
    const child = spawn(this.options.command, ['-I', '-S', '-B', '-c', SERVER], {
      cwd: tmpdir(),
      env: { PATH: this.options.path },
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
    });
    this.child = child;
    this.buffered = '';
    this.stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => this.read(child, chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4096);
    });
    child.stdin.on('error', () => undefined); // a process that died says so by its exit
    child.on('error', (error: NodeJS.ErrnoException) =>
      this.ended(child, `cannot run ${this.options.command}: ${error.code ?? error.message}`),
    );
    child.on('exit', (code, signal) => {
      const said = this.stderr.trim().split('\n').at(-1);
      this.ended(
        child,
        `${this.options.command} exited (${signal ?? `code ${code}`})${said ? `: ${said}` : ''}`,
      );
    });
    // An idle interpreter never keeps the daemon from exiting.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr])
      (stream as { unref?: () => void }).unref?.();
    return child;
  }

  private read(child: ChildProcessWithoutNullStreams, chunk: string): void {
    if (child !== this.child) return;
    this.buffered += chunk;
    let newline = this.buffered.indexOf('\n');
    while (newline !== -1) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      this.answer(line);
      newline = this.buffered.indexOf('\n');
    }
  }

  private answer(line: string): void {
    const current = this.current;
    if (!current) return;
    const result = parseAnswer(line, current.pending);
    if (!result) {
      this.stop(`${this.options.command} answered something that is not a compile result`);
      return;
    }
    clearTimeout(current.timer);
    this.current = undefined;
    current.pending.resolve(result);
    this.idle();
    this.next();
  }

  private idle(): void {
    if (this.queue.length > 0) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop('idle'), this.options.idleMs ?? 60_000);
    this.idleTimer.unref();
  }

  /** Kills the process; the request it was answering is `skipped` with `reason`. */
  private stop(reason: string): void {
    const child = this.child;
    if (child) {
      child.kill('SIGKILL');
      this.ended(child, reason);
    }
  }

  private ended(child: ChildProcessWithoutNullStreams, reason: string): void {
    if (child !== this.child) return;
    this.child = undefined;
    clearTimeout(this.idleTimer);
    const current = this.current;
    this.current = undefined;
    if (current) {
      clearTimeout(current.timer);
      current.pending.resolve(skipped(reason));
    }
    // Requests behind it get a process of their own.
    this.next();
  }
}

function skipped(reason: string): PythonCompileResult {
  return { status: 'skipped', reason };
}

function parseAnswer(line: string, pending: Pending): PythonCompileResult | undefined {
  let answer: { id?: unknown; version?: unknown; results?: unknown };
  try {
    answer = JSON.parse(line) as typeof answer;
  } catch {
    return undefined;
  }
  const { files } = pending;
  if (answer.id !== pending.id || !Array.isArray(answer.results) || answer.results.length !== files.length) {
    return undefined;
  }
  const findings: CheckFinding[] = [];
  answer.results.forEach((result: unknown, index) => {
    if (!Array.isArray(result)) return;
    const [line, column, message] = result as [unknown, unknown, unknown];
    findings.push({
      kind: 'python_syntax',
      severity: 'error',
      file: files[index]!.file,
      ...(typeof line === 'number' && line > 0 ? { line } : {}),
      ...(typeof column === 'number' && column > 0 ? { column } : {}),
      message: String(message),
    });
  });
  return { status: 'ran', findings, version: String(answer.version ?? '') };
}
