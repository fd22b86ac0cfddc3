import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPython } from '../../daemon/checks/smoke/find-python';
import { forkserverFor } from '../../daemon/checks/smoke/forkserver';
import { runSmokeCheck, type SmokeCheckOptions } from '../../daemon/checks/smoke/run-smoke-check';
import type { SmokeResult } from '../../daemon/checks/smoke/smoke-result';
import type { TemplateEndpoint } from '../../daemon/templates/template';
import { fixtureApp, needPython, processesMentioning, tempRoot } from './smoke-helpers';

const STARTS = ['fork', 'spawn'] as const;

/** An app folder under a new temporary folder whose backend/app.py is `source`. */
function appWith(source: string): string {
  const appDir = tempRoot();
  mkdirSync(join(appDir, 'backend'));
  writeFileSync(join(appDir, 'backend', 'app.py'), source);
  return appDir;
}

const endpoint = (path: string, response: Record<string, unknown>): TemplateEndpoint => ({
  method: 'GET',
  path,
  description: 'what the test reads',
  request: null,
  response,
});

async function check(options: Pick<SmokeCheckOptions, 'appDir' | 'template'> & Partial<SmokeCheckOptions>) {
  const root = tempRoot();
  const result = await runSmokeCheck({ tempRoot: root, ...options });
  assert.deepEqual(processesMentioning(root), [], 'a process of the check is still alive');
  assert.deepEqual(readdirSync(root), [], 'the sandbox folder is still there');
  return result;
}

function bodyOf(result: SmokeResult, path: string): Record<string, unknown> {
  const probe = result.probes.find((p) => p.kind === 'endpoint' && p.path === path);
  assert.ok(probe, `no probe of ${path}: ${result.reason}`);
  return JSON.parse(probe.bodyExcerpt);
}

/** Whether process `pid` is alive (a zombie is not: it holds nothing). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

const HEAD = `import os, sys
PRELOADED = "flask" in sys.modules
from flask import Flask, jsonify
app = Flask(__name__)

@app.get("/api/health")
def health():
    return jsonify({"status": "ok"})
`;
const RUN = `
if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ["BACKEND_PORT"]))
`;

/**
 * `start_worker()`: a worker, started by a double fork, that leaves the app's group and session and
 * its folder, then does `then` (Python lines at its indentation); it returns the worker's pid.
 */
const worker = (then: string): string => `
def start_worker():
    read, write = os.pipe()
    if os.fork() == 0:
        os.setsid()
        worker = os.fork()
        if worker == 0:
            os.chdir("/")
${then.replace(/^/gm, '            ')}
        os.write(write, str(worker).encode())
        os._exit(0)
    os.close(write)
    return int(os.read(read, 32))
`;
/** A worker that drops the app's environment as well, and sleeps. */
const EXEC_SLEEP = 'os.execve("/bin/sleep", ["sleep", "600"], {})';

describe('smoke check fork server (real Python)', function () {
  this.timeout(30_000);
  before(async function () {
    await needPython(this);
  });

  it('forks each app from a Python with Flask imported, which runs it as python3 app.py would', async () => {
    const appDir = appWith(
      `${HEAD}
@app.get("/api/start")
def start():
    import tempfile
    return jsonify({"preloaded": PRELOADED, "name": __name__, "argv": sys.argv,
                    "orig": sys.orig_argv[1:], "cwd": os.getcwd(),
                    "tmp": tempfile.gettempdir(), "home": os.path.expanduser("~")})

@app.get("/api/path")
def path():
    sandbox = os.path.dirname(os.getcwd())
    return jsonify({"path": [entry.replace(sandbox, "<sandbox>") for entry in sys.path]})
${RUN}`,
    );
    const template = {
      api_endpoints: [
        endpoint('/api/start', {
          preloaded: true,
          name: '',
          argv: [''],
          orig: [''],
          cwd: '',
          tmp: '',
          home: '',
        }),
        endpoint('/api/path', { path: [''] }),
      ],
    };
    const paths: Record<string, string[]> = {};
    for (const start of STARTS) {
      const result = await check({ appDir, template, start });
      assert.equal(result.verdict, 'passed', result.reason);
      const body = bodyOf(result, '/api/start');
      const backend = body.cwd as string;
      assert.match(backend, /\/appgen-smoke-\w+\/backend$/);
      const sandbox = backend.slice(0, -'/backend'.length);
      // A forked app is named by its full path, as it is where Python sets __file__ for app.py.
      const script = start === 'fork' ? `${backend}/app.py` : 'app.py';
      assert.deepEqual(body, {
        preloaded: start === 'fork',
        name: '__main__',
        argv: [script],
        orig: [script],
        cwd: backend,
        tmp: `${sandbox}/tmp`,
        home: `${sandbox}/home`,
      });
      paths[start] = bodyOf(result, '/api/path').path as string[];
    }
    // The same modules can be imported either way: the backend, the guard, then the interpreter's.
    assert.deepEqual(paths.fork, paths.spawn);
    assert.deepEqual(paths.fork!.slice(0, 2), ['<sandbox>/backend', '<sandbox>/guard']);
  });

  for (const start of STARTS) {
    it(`stops what a running app left with no trace of its sandbox (${start})`, async () => {
      const appDir = appWith(
        `${HEAD}${worker(EXEC_SLEEP)}
WORKER_PID = start_worker()

@app.get("/api/worker")
def worker():
    return jsonify({"pid": WORKER_PID})
${RUN}`,
      );
      const template = { api_endpoints: [endpoint('/api/worker', { pid: 1 })] };
      const result = await check({ appDir, template, start });
      assert.equal(result.verdict, 'passed', result.reason);
      const pid = bodyOf(result, '/api/worker').pid as number;
      assert.ok(pid > 1);
      assert.equal(alive(pid), false, `the worker ${pid} is still alive`);
    });

    it(`stops a forked worker that left the sandbox folder after the app itself exited (${start})`, async () => {
      const appDir = appWith(
        `${HEAD}${worker('import time\ntime.sleep(600)\nos._exit(0)')}
if __name__ == "__main__":
    sys.exit(f"worker {start_worker()}")
`,
      );
      const result = await check({ appDir, template: { api_endpoints: [] }, start });
      assert.equal(result.verdict, 'failed');
      const pid = Number(/worker (\d+)/.exec(result.reason!)?.[1]);
      assert.ok(pid > 1, result.reason);
      assert.equal(alive(pid), false, `the worker ${pid} is still alive`);
    });
  }

  it('starts the fork server again after it ended, and the next check is forked by the new one', async () => {
    const python = await findPython();
    assert.ok(python.ok);
    const first = await forkserverFor(python.executable);
    assert.ok(first?.pid);
    process.kill(first.pid, 'SIGKILL');
    assert.match(await first.whenEnded, /the fork server ended \(SIGKILL\)/);
    const result = await check({ ...fixtureApp('pass') });
    assert.equal(result.verdict, 'passed', result.reason);
    const second = await forkserverFor(python.executable);
    assert.ok(second && second !== first && !second.ended);
  });

  it('leaves each app to an interpreter of its own where the fork server cannot start', async () => {
    assert.equal(await forkserverFor('/nonexistent/python3'), undefined);
    const result = await check({ ...fixtureApp('pass'), python: '/nonexistent/python3' });
    assert.equal(result.verdict, 'skipped');
  });
});
