/**
 * The app store on an unlucky machine: the output folder on another file system (renames across
 * it fail with EXDEV), a read-only output folder, paths longer than the file system allows. The
 * file-system failures are injected where chmod or a mount cannot make them (the tests run as root).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { AppStore, type AppStoreFs, type CommitRequest, type FileWrite } from '../../daemon/app-store';
import { entriesOrEmpty } from '../support/workspace-files';
import { APP, commitFolders, fsError, modeOf, PARENT, read, SCAFFOLD, snapshot } from './app-store-fixtures';
import { expectDaemonErrorAsync } from './merger/merger-test-helpers';

describe('AppStore on an unlucky machine', () => {
  let base: string;
  let workspace: string;
  let stateDir: string;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'appgen-machine-'));
    workspace = join(base, 'workspace');
    stateDir = join(workspace, '.appgen');
    mkdirSync(stateDir, { recursive: true });
  });

  afterEach(() => {
    rmSync(base, { recursive: true, force: true });
  });

  const storeWith = (fs: Partial<AppStoreFs> = {}, root = workspace): AppStore => {
    let tick = 0;
    return new AppStore(root, join(root, '.appgen'), () => new Date(Date.UTC(2025, 1, 9, 10, 0, tick++)), {
      rename: renameSync,
      mkdir: mkdirSync,
      ...fs,
    });
  };

  const request = (
    jobId: string,
    writes: FileWrite[],
    extra: Partial<CommitRequest> = {},
  ): CommitRequest => ({
    jobId,
    appPath: APP,
    scaffold: () => SCAFFOLD,
    plan: () => writes,
    checkPath: () => {},
    ...extra,
  });

  describe('output folder on another file system (a mount at generated/apps)', () => {
    /** A rename as the kernel does it when `generated/apps` is a mount: EXDEV across its edge. */
    const mountRename = (renames: string[]) => (from: string, to: string) => {
      const mount = join(workspace, 'generated', 'apps') + sep;
      renames.push(`${from} -> ${to}`);
      if (from.startsWith(mount) !== to.startsWith(mount)) throw fsError('EXDEV', 'rename', from);
      renameSync(from, to);
    };

    it('commits a new app and replaces it, keeping the old version by copy', async () => {
      const renames: string[] = [];
      const store = storeWith({ rename: mountRename(renames) });
      await store.commit(request('job-1', [{ path: 'backend/app.py', content: 'v1\n' }]));
      assert.equal(read(join(workspace, APP), 'backend/app.py'), 'v1\n');
      const result = await store.commit(request('job-2', [{ path: 'backend/app.py', content: 'v2\n' }]));
      assert.ok(renames.length > 0, 'the store renamed through the given function');
      assert.equal(read(join(workspace, APP), 'backend/app.py'), 'v2\n');
      assert.match(
        result.previousVersionPath ?? '',
        /^\.appgen\/versions\/sim_alpha\/app1\/[^/.][^/]*-job-2$/,
      );
      const kept = join(workspace, result.previousVersionPath!);
      assert.deepEqual(snapshot(kept), {
        '.env': 'BACKEND_PORT=5001\n',
        'backend/app.py': 'v1\n',
        'frontend/package.json': '{}\n',
      });
      assert.deepEqual(
        readdirSync(join(stateDir, 'versions', 'sim_alpha', 'app1')),
        [result.previousVersionPath!.split('/').pop()],
        'no unfinished copy is left',
      );
      assert.deepEqual(commitFolders(workspace), []);
    });

    it('puts the old app back when the new one cannot go in, and drops the copy it made', async () => {
      const renames: string[] = [];
      const rename = mountRename(renames);
      let failNext = false;
      const store = storeWith({
        rename: (from, to) => {
          if (failNext && to === join(workspace, APP) && from.endsWith(`${sep}ready`)) {
            throw fsError('EIO', 'rename', from);
          }
          rename(from, to);
        },
      });
      await store.commit(request('job-1', [{ path: 'backend/app.py', content: 'v1\n' }]));
      failNext = true;
      const error = await expectDaemonErrorAsync(
        () => store.commit(request('job-2', [{ path: 'backend/app.py', content: 'v2\n' }])),
        'internal',
      );
      assert.doesNotMatch(error.message, /appgen-staging|\/tmp\//, error.message);
      assert.equal(read(join(workspace, APP), 'backend/app.py'), 'v1\n');
      assert.deepEqual(readdirSync(join(stateDir, 'versions', 'sim_alpha', 'app1')), []);
      assert.deepEqual(commitFolders(workspace), []);
    });
  });

  describe('read-only output folder', () => {
    /** mkdir as on a read-only disk under `generated/apps`. */
    const readOnlyMkdir = (path: string, options: { recursive?: boolean; mode?: number }) => {
      if (path.startsWith(join(workspace, 'generated', 'apps') + sep)) throw fsError('EROFS', 'mkdir', path);
      return mkdirSync(path, options);
    };

    it('says read-only and names the folder, for a new app and for an existing one', async () => {
      mkdirSync(join(workspace, 'generated', 'apps'), { recursive: true });
      const store = storeWith({ mkdir: readOnlyMkdir });
      const first = await expectDaemonErrorAsync(
        () => store.commit(request('job-1', [{ path: 'backend/app.py', content: 'v1\n' }])),
        'internal',
      );
      assert.equal(
        first.message,
        'Cannot write the app generated/apps/sim_alpha/app1: the folder "generated/apps" is read-only (EROFS).',
      );

      await storeWith().commit(request('job-1', [{ path: 'backend/app.py', content: 'v1\n' }]));
      const second = await expectDaemonErrorAsync(
        () => store.commit(request('job-2', [{ path: 'backend/app.py', content: 'v2\n' }])),
        'internal',
      );
      assert.equal(
        second.message,
        `Cannot write the app ${APP}: the folder "${PARENT}" is read-only (EROFS).`,
      );
      assert.equal(read(join(workspace, APP), 'backend/app.py'), 'v1\n');
      assert.deepEqual(entriesOrEmpty(join(stateDir, 'commits')), []);
    });

    it('says read-only for a folder chmod 0555 (not as root, which chmod does not stop)', async function () {
      if (process.getuid?.() === 0) {
        this.skip(); // root writes into a 0555 folder anyway; the injected EROFS above covers the mapping
      }
      mkdirSync(join(workspace, PARENT), { recursive: true, mode: 0o555 });
      const error = await expectDaemonErrorAsync(
        () => storeWith().commit(request('job-1', [{ path: 'backend/app.py', content: 'v1\n' }])),
        'internal',
      );
      assert.match(error.message, /the folder "generated\/apps\/sim_alpha" is read-only \(EACCES\)/);
    });
  });

  describe('long names', () => {
    it('refuses a path too long for the file system as unsafe_path, naming the file in the app', async () => {
      // A workspace deep enough that an app file, within the merger's limits, passes 4096 bytes.
      let root = base;
      while (root.length < 3700) root = join(root, 'd'.repeat(Math.min(250, 3700 - root.length)));
      mkdirSync(join(root, '.appgen'), { recursive: true });
      const file = `backend/${'a'.repeat(200)}/${'b'.repeat(200)}/models.py`;
      const error = await expectDaemonErrorAsync(
        () => storeWith({}, root).commit(request('job-1', [{ path: file, content: 'x\n' }])),
        'unsafe_path',
      );
      assert.ok(error.message.startsWith(`Unsafe path "backend/${'a'.repeat(191)}`), error.message);
      assert.match(error.message, /too long for the file system/);
      assert.ok(!error.message.includes('appgen-staging') && !error.message.includes(base), error.message);
      assert.equal(existsSync(join(root, APP)), false);
      assert.deepEqual(commitFolders(root), []);
    });
  });

  describe('file modes', () => {
    it("makes the store's own folders and files readable by the user only, the app as usual", async () => {
      const store = storeWith();
      await store.commit(request('job-1', [{ path: 'backend/app.py', content: 'v1\n' }]));
      const seen: Record<string, number> = {};
      await store.commit(
        request('job-2', [{ path: 'backend/app.py', content: 'v2\n' }], {
          checkPath: () => {
            seen.commit = modeOf(join(workspace, PARENT, '.appgen-staging-job-2'));
            seen.journal = modeOf(join(stateDir, 'commits', 'job-2.json'));
          },
        }),
      );
      assert.deepEqual(seen, { commit: 0o700, journal: 0o600 });
      for (const folder of ['commits', 'versions', 'versions/sim_alpha', 'versions/sim_alpha/app1']) {
        assert.equal(modeOf(join(stateDir, folder)), 0o700, folder);
      }
      // The app is the user's project: it gets the modes any new folder gets here.
      mkdirSync(join(base, 'probe'));
      assert.equal(modeOf(join(workspace, APP)), statSync(join(base, 'probe')).mode & 0o777);
    });
  });
});
