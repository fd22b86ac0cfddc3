import assert from 'node:assert/strict';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  makeSandboxFolder,
  removeSandboxFolder,
  SandboxCopyError,
} from '../../../../daemon/checks/smoke/sandbox-folder';
import { GUARD_FILE_NAME } from '../../../../daemon/checks/smoke/sandbox-guard';

function backend(): string {
  const dir = mkdtempSync(join(tmpdir(), 'backend-'));
  writeFileSync(join(dir, 'app.py'), 'print(1)\n');
  mkdirSync(join(dir, 'models'));
  writeFileSync(join(dir, 'models', 'note.py'), 'x = 1\n');
  mkdirSync(join(dir, '__pycache__'));
  writeFileSync(join(dir, '__pycache__', 'app.cpython-311.pyc'), 'cache');
  mkdirSync(join(dir, '.venv'));
  writeFileSync(join(dir, '.venv', 'pyvenv.cfg'), 'home = /usr');
  return dir;
}

describe('smoke sandbox folder', () => {
  it('copies the backend’s files and folders with the guard beside them, leaving links, caches and venvs out', async () => {
    const source = backend();
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    symlinkSync(join(outside, 'secret.txt'), join(source, 'linked.txt'));
    symlinkSync(outside, join(source, 'linked-folder'));
    const folder = await makeSandboxFolder(tmpdir(), source);
    try {
      assert.deepEqual(readdirSync(folder.root).sort(), ['backend', 'guard', 'home', 'tmp']);
      assert.deepEqual(readdirSync(folder.backend).sort(), ['app.py', 'models']);
      assert.equal(readFileSync(join(folder.backend, 'models', 'note.py'), 'utf8'), 'x = 1\n');
      assert.ok(lstatSync(join(folder.backend, 'app.py')).isFile());
      assert.match(readFileSync(join(folder.guard, GUARD_FILE_NAME), 'utf8'), /sys\.addaudithook/);
    } finally {
      await removeSandboxFolder(folder);
    }
    assert.ok(!existsSync(folder.root));
  });

  it('refuses a backend over its limits and leaves no folder behind', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sandboxes-'));
    await assert.rejects(
      makeSandboxFolder(root, backend(), { maxFiles: 1, maxBytes: 1024 }),
      (error: Error) =>
        error instanceof SandboxCopyError && /larger than a smoke check copies \(1 files/.test(error.message),
    );
    assert.deepEqual(readdirSync(root), []);
  });
});
