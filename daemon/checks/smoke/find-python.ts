/**
 * Which Python runs a checked app: one that can `import flask, flask_cors`. A named interpreter is
 * taken if it can; otherwise PATH's `python3` is tried first, then `/usr/bin/python3` (on Debian,
 * where `python3-flask` installs Flask for the system's Python only). The answer is the
 * interpreter's own executable (`sys.executable`), so that a launcher script such as pyenv's shim
 * is not run again for every app. Each candidate is asked once per process.
 */
import { execFile } from 'node:child_process';

export type PythonLookup = { ok: true; executable: string } | { ok: false; reason: string };

const IMPORT_CHECK = 'import sys, flask, flask_cors; sys.stdout.write(sys.executable)';
const ASK_LIMIT_MS = 15_000;
const DEFAULT_CANDIDATES = ['python3', '/usr/bin/python3'];

const answers = new Map<string, Promise<PythonLookup>>();

/** Runs the import check with `candidate`; resolves, never rejects. */
function ask(candidate: string, env: NodeJS.ProcessEnv): Promise<PythonLookup> {
  return new Promise((resolve) => {
    execFile(
      candidate,
      ['-c', IMPORT_CHECK],
      { env, timeout: ASK_LIMIT_MS, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 },
      (error, stdout, stderr) => {
        if (!error && stdout.trim() !== '') {
          resolve({ ok: true, executable: stdout.trim() });
          return;
        }
        const lastLine = stderr.trim().split('\n').pop() ?? '';
        const why = (error as NodeJS.ErrnoException | null)?.code === 'ENOENT' ? 'not found' : lastLine;
        resolve({ ok: false, reason: `${candidate}: ${why || 'cannot import flask and flask_cors'}` });
      },
    );
  });
}

function askOnce(candidate: string): Promise<PythonLookup> {
  let answer = answers.get(candidate);
  if (!answer) {
    // Only PATH: the user's other variables (a virtualenv's, a key) play no part in the choice.
    answer = ask(candidate, { PATH: process.env.PATH ?? '', PYTHONDONTWRITEBYTECODE: '1' });
    answers.set(candidate, answer);
  }
  return answer;
}

/**
 * The interpreter to use: `named` if given (and able), else the first able default candidate.
 * `{ok: false}` names every interpreter tried and why it cannot serve.
 */
export async function findPython(
  named?: string,
  candidates: readonly string[] = DEFAULT_CANDIDATES,
): Promise<PythonLookup> {
  const tried = named !== undefined ? [named] : candidates;
  const reasons: string[] = [];
  for (const candidate of tried) {
    const answer = await askOnce(candidate);
    if (answer.ok) return answer;
    reasons.push(answer.reason);
  }
  return {
    ok: false,
    reason: `no Python that can import flask and flask_cors (${reasons.join('; ')})`,
  };
}
