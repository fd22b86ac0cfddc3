/**
 * Recovery at start, from what a crash left and from what a hostile workspace planted: it finishes
 * or rolls back interrupted commits, and touches nothing a journal names outside the paths it
 * derives itself, nor anything through a link.
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppStore } from '../../daemon/app-store';
import { entriesOrEmpty } from '../support/workspace-files';
import { APP, commitFolders, PARENT, read, snapshot, write } from './app-store-fixtures';

describe('AppStore.recover', () => {
  let base: string;
  let workspace: string;
  let outside: string;
  let stateDir: string;
  let store: AppStore;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'appgen-recover-'));
    workspace = join(base, 'workspace');
    outside = join(base, 'outside');
    stateDir = join(workspace, '.appgen');
    mkdirSync(stateDir, { recursive: true });
    write(outside, 'victim/important.txt', 'keep me\n');
    write(outside, 'loot/file.txt', 'keep me too\n');
    store = new AppStore(workspace, stateDir, () => new Date(Date.UTC(2025, 1, 9, 10, 0, 0)));
  });

  afterEach(() => {
    rmSync(base, { recursive: true, force: true });
  });

  const journal = (name: string, content: unknown) =>
    write(join(stateDir, 'commits'), name, typeof content === 'string' ? content : JSON.stringify(content));

  /** What a crash inside a commit of APP by `jobId` leaves, as the store lays it out. */
  function crashed(jobId: string, parts: { app?: string; next?: string; ready?: string; previous?: string }) {
    journal(`${jobId}.json`, { jobId, appPath: APP });
    const container = join(workspace, PARENT, `.appgen-staging-${jobId}`);
    mkdirSync(container, { recursive: true });
    if (parts.app !== undefined) write(join(workspace, APP), 'backend/app.py', parts.app);
    for (const name of ['next', 'ready', 'previous'] as const) {
      const content = parts[name];
      if (content !== undefined) write(join(container, name), 'backend/app.py', content);
    }
  }

  const assertClean = () => {
    assert.deepEqual(commitFolders(workspace), [], 'no commit folder left');
    assert.deepEqual(entriesOrEmpty(join(stateDir, 'commits')), [], 'no journal left');
  };

  describe('after a crash', () => {
    it('completes a swap whose old app was already kept as a version', async () => {
      crashed('job-1', { ready: 'new\n' });
      write(join(stateDir, 'versions', 'sim_alpha', 'app1', 'stamp-job-1'), 'backend/app.py', 'old\n');
      const actions = await store.recover();
      assert.equal(read(join(workspace, APP), 'backend/app.py'), 'new\n');
      assert.equal(read(join(stateDir, 'versions/sim_alpha/app1/stamp-job-1'), 'backend/app.py'), 'old\n');
      assert.ok(
        actions.some((action) => /completed an interrupted commit of generated/.test(action)),
        actions.join(),
      );
      assertClean();
    });

    it('completes a swap whose old app was moved aside after its copy to another file system', async () => {
      crashed('job-1', { ready: 'new\n', previous: 'old\n' });
      await store.recover();
      assert.equal(read(join(workspace, APP), 'backend/app.py'), 'new\n');
      assertClean();
    });

    it('puts the old app back when the new one was never complete', async () => {
      crashed('job-1', { next: 'half\n', previous: 'old\n' });
      const actions = await store.recover();
      assert.equal(read(join(workspace, APP), 'backend/app.py'), 'old\n');
      assert.ok(actions.some((action) => /put back/.test(action)));
      assertClean();
    });

    it('rolls back a commit whose old app is still in place', async () => {
      crashed('job-1', { app: 'old\n', ready: 'new\n' });
      const actions = await store.recover();
      assert.equal(read(join(workspace, APP), 'backend/app.py'), 'old\n');
      assert.ok(actions.some((action) => /rolled back/.test(action)));
      assertClean();
    });

    it('never makes a half-built new app an app', async () => {
      crashed('job-1', { next: 'half\n' });
      await store.recover();
      assert.equal(existsSync(join(workspace, APP)), false);
      assertClean();
    });

    it('removes a copy of a version cut off on its way to another file system', async () => {
      crashed('job-1', { app: 'old\n', ready: 'new\n' });
      write(join(stateDir, 'versions/sim_alpha/app1/.copying-job-1'), 'backend/app.py', 'ol');
      await store.recover();
      assert.deepEqual(readdirSync(join(stateDir, 'versions/sim_alpha/app1')), []);
      assert.equal(read(join(workspace, APP), 'backend/app.py'), 'old\n');
    });

    it('drops a journal whose commit never made its folder, and one cut off while being written', async () => {
      write(join(workspace, APP), 'backend/app.py', 'done\n');
      journal('job-1.json', { jobId: 'job-1', appPath: APP });
      journal('job-2.json', '{"jobId": "job-2", "appP');
      const actions = await store.recover();
      assert.equal(read(join(workspace, APP), 'backend/app.py'), 'done\n');
      assert.ok(
        actions.some((action) => /job-2\.json.*not JSON/.test(action)),
        actions.join('\n'),
      );
      assertClean();
    });

    it('removes the staging folders an older version left in .appgen/staging', async () => {
      write(join(stateDir, 'staging', 'job-9'), 'backend/app.py', 'half written');
      write(join(stateDir, 'staging', 'job-10'), 'frontend/src/App.jsx', 'half written');
      const actions = await store.recover();
      assert.deepEqual(readdirSync(join(stateDir, 'staging')), []);
      assert.equal(actions.filter((action) => /staging/.test(action)).length, 2);
      assert.equal(existsSync(join(workspace, APP)), false, 'debris never becomes an app');
    });

    it('does nothing on a clean workspace', async () => {
      assert.deepEqual(await store.recover(), []);
      await store.commit({
        jobId: 'job-1',
        appPath: APP,
        scaffold: () => [],
        plan: () => [{ path: 'backend/app.py', content: 'v1\n' }],
        checkPath: () => {},
      });
      assert.deepEqual(await store.recover(), []);
      assert.equal(read(join(workspace, APP), 'backend/app.py'), 'v1\n');
    });
  });

  describe('a hostile workspace', () => {
    it('ignores a journal naming folders outside the workspace: nothing is moved or deleted', async () => {
      const before = snapshot(outside);
      // As an older AppGen wrote them: absolute paths, which recovery used to act on.
      journal('evil-1.json', { app: join(outside, 'victim'), staging: join(outside, 'loot') });
      journal('evil-2.json', { app: join(outside, 'gone'), staging: join(outside, 'victim') });
      const actions = await store.recover();
      assert.deepEqual(snapshot(outside), before);
      assert.equal(existsSync(join(outside, 'gone')), false);
      assert.equal(
        actions.filter((action) => /ignored the commit journal/.test(action)).length,
        2,
        actions.join(),
      );
      assertClean();
    });

    it('refuses a journal whose app path or job id leaves the workspace', async () => {
      const before = snapshot(outside);
      mkdirSync(join(outside, '.appgen-staging-job-1'));
      journal('job-1.json', { jobId: 'job-1', appPath: '../outside/x/app1' });
      journal('job-2.json', { jobId: 'job-2', appPath: `${outside}/x/app1` });
      journal('..%2f.json', { jobId: '../../outside/victim', appPath: APP });
      const actions = await store.recover();
      assert.deepEqual(snapshot(outside), before);
      assert.ok(existsSync(join(outside, '.appgen-staging-job-1')));
      assert.equal(actions.length, 3, actions.join('\n'));
      assert.ok(
        actions.every((action) => /refused|ignored/.test(action)),
        actions.join('\n'),
      );
    });

    it('refuses a journal whose output folder is a link out of the workspace', async () => {
      mkdirSync(join(workspace, 'generated'));
      symlinkSync(outside, join(workspace, 'generated', 'apps'), 'dir');
      write(outside, 'sim_alpha/.appgen-staging-job-1/ready/backend/app.py', 'planted\n');
      const before = snapshot(outside);
      journal('job-1.json', { jobId: 'job-1', appPath: APP });
      const actions = await store.recover();
      assert.deepEqual(snapshot(outside), before, 'nothing moved or removed through the link');
      assert.match(actions.join('\n'), /refused.*symbolic link "generated\/apps"/);
    });

    it('refuses commit folders that are links, inside a real output folder', async () => {
      mkdirSync(join(workspace, PARENT), { recursive: true });
      symlinkSync(join(outside, 'victim'), join(workspace, PARENT, '.appgen-staging-job-1'), 'dir');
      mkdirSync(join(workspace, PARENT, '.appgen-staging-job-2'));
      symlinkSync(join(outside, 'loot'), join(workspace, PARENT, '.appgen-staging-job-2', 'ready'), 'dir');
      journal('job-1.json', { jobId: 'job-1', appPath: APP });
      journal('job-2.json', { jobId: 'job-2', appPath: APP });
      const before = snapshot(outside);
      const actions = await store.recover();
      assert.deepEqual(snapshot(outside), before);
      assert.equal(existsSync(join(workspace, APP)), false, 'a link never becomes the app');
      assert.equal(actions.filter((action) => /refused/.test(action)).length, 2, actions.join('\n'));
    });

    it('leaves a .appgen/staging that is a link, and the folder it points to, alone', async () => {
      symlinkSync(outside, join(stateDir, 'staging'), 'dir');
      const before = snapshot(outside);
      const actions = await store.recover();
      assert.deepEqual(snapshot(outside), before);
      assert.ok(lstatSync(join(stateDir, 'staging')).isSymbolicLink());
      assert.match(actions.join('\n'), /left "\.appgen\/staging" alone: .*symbolic link/);
    });

    it('leaves a .appgen/commits that is a link alone, and journals that are links', async () => {
      write(outside, 'journals/job-1.json', JSON.stringify({ jobId: 'job-1', appPath: APP }));
      symlinkSync(join(outside, 'journals'), join(stateDir, 'commits'), 'dir');
      const actions = await store.recover();
      assert.ok(existsSync(join(outside, 'journals', 'job-1.json')));
      assert.match(actions.join('\n'), /left "\.appgen\/commits" alone/);

      rmSync(join(stateDir, 'commits'));
      mkdirSync(join(stateDir, 'commits'));
      symlinkSync(join(outside, 'journals', 'job-1.json'), join(stateDir, 'commits', 'job-1.json'));
      assert.match(
        (await store.recover()).join('\n'),
        /ignored "\.appgen\/commits\/job-1\.json": not a file/,
      );
      assert.ok(existsSync(join(outside, 'journals', 'job-1.json')));
    });
  });
});
