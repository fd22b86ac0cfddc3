import { strict as assert } from 'node:assert';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPython } from '../../../daemon/checks/python-interpreter';
import { PythonWorker } from '../../../daemon/checks/python-syntax';

const PATH = process.env.PATH ?? '';
const found = findPython({ path: PATH, workspace: tmpdir() });

describe('findPython', () => {
  const executables =
    (...files: string[]) =>
    (file: string) =>
      files.includes(file);

  it('takes python3 from PATH, else /usr/bin/python3', () => {
    assert.deepEqual(
      findPython({
        path: '/opt/py/bin:/usr/bin',
        workspace: '/ws',
        isExecutable: executables('/usr/bin/python3', '/opt/py/bin/python3'),
      }),
      { ok: true, command: '/opt/py/bin/python3' },
    );
    assert.deepEqual(
      findPython({ path: '/nowhere', workspace: '/ws', isExecutable: executables('/usr/bin/python3') }),
      {
        ok: true,
        command: '/usr/bin/python3',
      },
    );
  });

  it('says how to name an interpreter when there is none', () => {
    const result = findPython({ path: '/nowhere', workspace: '/ws', isExecutable: executables() });
    assert.ok(!result.ok);
    assert.match(
      result.reason,
      /no python3 found on PATH or at \/usr\/bin\/python3; set appgen\.checks\.python \(or APPGEN_PYTHON\)/,
    );
  });

  it('takes the setting first: a command on PATH, or a path relative to the workspace', () => {
    const isExecutable = executables('/opt/bin/python3.12', '/ws/.venv/bin/python', '/usr/bin/python3');
    assert.deepEqual(
      findPython({ setting: 'python3.12', path: '/opt/bin', workspace: '/ws', isExecutable }),
      {
        ok: true,
        command: '/opt/bin/python3.12',
      },
    );
    assert.deepEqual(findPython({ setting: '.venv/bin/python', path: '', workspace: '/ws', isExecutable }), {
      ok: true,
      command: '/ws/.venv/bin/python',
    });
    const missing = findPython({
      setting: '/opt/none/python',
      path: '/usr/bin',
      workspace: '/ws',
      isExecutable,
    });
    assert.ok(!missing.ok);
    assert.match(
      missing.reason,
      /"\/opt\/none\/python" named by appgen\.checks\.python \/ APPGEN_PYTHON was not found/,
    );
  });

  it('never looks in the current folder through an empty or relative PATH entry', () => {
    const result = findPython({
      path: ':.:bin',
      workspace: '/ws',
      isExecutable: (file) => !file.startsWith('/'),
    });
    assert.ok(!result.ok);
  });
});

describe('PythonWorker', function () {
  this.timeout(30_000);
  let worker: PythonWorker | undefined;
  afterEach(() => worker?.dispose());

  before(function () {
    if (!found.ok) this.skip(); // these need a real interpreter
  });
  const start = (timeoutMs = 20_000) => {
    if (!found.ok) throw new Error(found.reason);
    worker = new PythonWorker({ command: found.command, path: PATH, timeoutMs });
    return worker;
  };

  it('reports each file that does not compile, with line, column and message, and runs none', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'py-ran-')), 'ran');
    const result = await start().compile([
      { file: 'backend/app.py', source: `open(${JSON.stringify(marker)}, 'w').write('ran')\n` },
      { file: 'backend/bad.py', source: 'def broken(:\n    pass\n' },
      { file: 'backend/indent.py', source: 'if True:\nprint(1)\n' },
    ]);
    assert.equal(result.status, 'ran');
    assert.ok(result.status === 'ran' && /^\d+\.\d+/.test(result.version));
    assert.deepEqual(
      result.status === 'ran' && result.findings.map(({ file, line, message }) => ({ file, line, message })),
      [
        { file: 'backend/bad.py', line: 1, message: 'SyntaxError: invalid syntax' },
        {
          file: 'backend/indent.py',
          line: 2,
          message: "IndentationError: expected an indented block after 'if' statement on line 1",
        },
      ],
    );
    assert.ok(!existsSync(marker), 'the compiled code did not run');
  });

  it('answers requests one after another from one process', async () => {
    const python = start();
    const answers = await Promise.all(
      ['x = 1\n', 'x = (\n', 'y = 2\n'].map((source, i) =>
        python.compile([{ file: `backend/m${i}.py`, source }]),
      ),
    );
    assert.deepEqual(
      answers.map((a) => (a.status === 'ran' ? a.findings.length : a.reason)),
      [0, 1, 0],
    );
  });

  it('skips, never fails, when the interpreter cannot be run, and replaces a process that hangs', async () => {
    const missing = new PythonWorker({ command: '/nonexistent/python3', path: PATH, timeoutMs: 5000 });
    const result = await missing.compile([{ file: 'backend/app.py', source: 'x = 1\n' }]);
    assert.deepEqual(result, { status: 'skipped', reason: 'cannot run /nonexistent/python3: ENOENT' });

    const folder = mkdtempSync(join(tmpdir(), 'py-hang-'));
    const hanging = join(folder, 'python3');
    writeFileSync(hanging, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(hanging, 0o755);
    worker = new PythonWorker({ command: hanging, path: PATH, timeoutMs: 200 });
    const slow = await worker.compile([{ file: 'backend/app.py', source: 'x = 1\n' }]);
    assert.deepEqual(slow, {
      status: 'skipped',
      reason: `${hanging} did not finish compiling within 200 ms`,
    });
  });
});
