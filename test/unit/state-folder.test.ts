/** The workspace's `.appgen/` folder as the daemon prepares it at start. */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareStateFolder } from '../../daemon/state-folder';
import { modeOf } from './app-store-fixtures';
import { expectDaemonError } from './merger/merger-test-helpers';

describe('prepareStateFolder', () => {
  let base: string;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'appgen-state-'));
  });

  afterEach(() => {
    rmSync(base, { recursive: true, force: true });
  });

  it('makes the workspace and .appgen, readable by the user only', () => {
    const workspace = join(base, 'new', 'workspace');
    assert.equal(prepareStateFolder(workspace), join(workspace, '.appgen'));
    assert.equal(modeOf(join(workspace, '.appgen')), 0o700);
  });

  it('takes group and other permissions from a .appgen made before', () => {
    mkdirSync(join(base, '.appgen'));
    chmodSync(join(base, '.appgen'), 0o755);
    prepareStateFolder(base);
    assert.equal(modeOf(join(base, '.appgen')), 0o700);
  });

  it('refuses a .appgen that is a link, naming it', () => {
    mkdirSync(join(base, 'outside'));
    const workspace = join(base, 'workspace');
    mkdirSync(workspace);
    symlinkSync(join(base, 'outside'), join(workspace, '.appgen'), 'dir');
    const error = expectDaemonError(() => prepareStateFolder(workspace), 'unsafe_path');
    assert.match(error.message, /"\.appgen": is a symbolic link/);
    assert.equal(
      modeOf(join(base, 'outside')),
      0o755 & ~process.umask(),
      'the folder it points to is left as it was',
    );
    assert.deepEqual(readdirSync(join(base, 'outside')), []);
  });
});
