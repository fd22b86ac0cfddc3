import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoSymlinkEscape } from '../../../daemon/merger/symlink-guard';
import { expectDaemonError } from './merger-test-helpers';

describe('assertNoSymlinkEscape', () => {
  let base: string;
  let root: string;
  let outside: string;

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'merger-symlink-'));
    root = join(base, 'app');
    outside = join(base, 'outside');
    await mkdir(join(root, 'backend'), { recursive: true });
    await mkdir(outside);
    await writeFile(join(outside, 'secret.txt'), 'secret');
  });

  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('accepts a path of real folders, existing or not', async () => {
    await writeFile(join(root, 'backend', 'app.py'), '');
    assertNoSymlinkEscape(root, 'backend/app.py');
    assertNoSymlinkEscape(root, 'backend/new/deeper/file.py');
    assertNoSymlinkEscape(root, 'frontend/src/App.jsx');
  });

  it('refuses a path through a symlinked folder that leads outside', async () => {
    await symlink(outside, join(root, 'frontend'), 'dir');
    const error = expectDaemonError(() => assertNoSymlinkEscape(root, 'frontend/src/App.jsx'), 'unsafe_path');
    assert.match(error.message, /symbolic link "frontend"/);
  });

  it('refuses a deeper symlinked folder', async () => {
    await symlink(outside, join(root, 'backend', 'static'), 'dir');
    expectDaemonError(() => assertNoSymlinkEscape(root, 'backend/static/x.css'), 'unsafe_path');
  });

  it('refuses writing over a file that is a symlink', async () => {
    await symlink(join(outside, 'secret.txt'), join(root, 'backend', 'app.py'));
    expectDaemonError(() => assertNoSymlinkEscape(root, 'backend/app.py'), 'unsafe_path');
  });

  it('refuses a dangling symlink, which a write would follow and create outside', async () => {
    await symlink(join(outside, 'not-yet.txt'), join(root, 'backend', 'app.py'));
    expectDaemonError(() => assertNoSymlinkEscape(root, 'backend/app.py'), 'unsafe_path');
  });

  it('refuses a symlink even when it points inside the app', async () => {
    await mkdir(join(root, 'frontend'));
    await symlink(join(root, 'frontend'), join(root, 'backend', 'link'), 'dir');
    expectDaemonError(() => assertNoSymlinkEscape(root, 'backend/link/x.py'), 'unsafe_path');
  });

  it('accepts a root that is itself reached through a symlink', async () => {
    const alias = join(base, 'alias');
    await symlink(root, alias, 'dir');
    assertNoSymlinkEscape(alias, 'backend/app.py');
  });

  it('refuses a path that is unsafe before touching the disk', async () => {
    for (const rel of ['../outside/secret.txt', '/etc/passwd', 'backend/../../outside/x', 'C:\\x']) {
      expectDaemonError(() => assertNoSymlinkEscape(root, rel), 'unsafe_path');
    }
  });

  it('does not refuse a path blocked by a file part-way, which the write itself will fail on', async () => {
    await writeFile(join(root, 'backend', 'app.py'), '');
    assertNoSymlinkEscape(root, 'backend/app.py/inner.py');
  });
});
