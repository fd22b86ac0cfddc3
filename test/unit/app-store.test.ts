import assert from 'node:assert/strict';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppStore, type CommitRequest, type FileWrite } from '../../daemon/app-store';
import { DaemonError } from '../../daemon/daemon-error';
import { entriesOrEmpty } from '../support/workspace-files';
import { APP, commitFolders, PARENT, read, SCAFFOLD, snapshot, write } from './app-store-fixtures';
import { expectDaemonErrorAsync } from './merger/merger-test-helpers';

describe('AppStore', () => {
  let base: string;
  let workspace: string;
  let outside: string;
  let stateDir: string;
  let store: AppStore;
  let tick: number;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'appgen-store-'));
    workspace = join(base, 'workspace');
    // A folder of the machine outside the workspace, which no commit may touch.
    outside = join(base, 'outside');
    stateDir = join(workspace, '.appgen');
    mkdirSync(stateDir, { recursive: true });
    write(outside, 'precious.txt', 'keep me\n');
    tick = 0;
    // A clock that moves, so each kept version gets its own stamp.
    store = new AppStore(workspace, stateDir, () => new Date(Date.UTC(2025, 1, 9, 10, 0, tick++)));
  });

  afterEach(() => {
    rmSync(base, { recursive: true, force: true });
  });

  function request(jobId: string, writes: FileWrite[], extra: Partial<CommitRequest> = {}): CommitRequest {
    return {
      jobId,
      appPath: APP,
      scaffold: () => SCAFFOLD,
      plan: () => writes,
      checkPath: async () => {},
      ...extra,
    };
  }

  /** Nothing of a commit is left: no commit folder beside the app, no journal. */
  function assertNoLeftovers(): void {
    assert.deepEqual(commitFolders(workspace), [], 'no commit folder beside the app');
    assert.deepEqual(entriesOrEmpty(join(stateDir, 'commits')), [], 'no journal');
  }

  it('writes the scaffold and the files of a new app, listing every path written', async () => {
    const result = await store.commit(
      request('job-1', [
        { path: 'backend/app.py', content: 'print("generated")\n' },
        { path: 'frontend/src/App.jsx', content: 'export default function App() {}\n' },
      ]),
    );
    const app = join(workspace, APP);
    assert.equal(
      read(app, 'backend/app.py'),
      'print("generated")\n',
      "the job's file wins over the scaffold",
    );
    assert.equal(read(app, '.env'), 'BACKEND_PORT=5001\n');
    assert.equal(read(app, 'frontend/src/App.jsx'), 'export default function App() {}\n');
    assert.deepEqual(result.files, [
      '.env',
      'backend/app.py',
      'frontend/package.json',
      'frontend/src/App.jsx',
    ]);
    assert.equal(result.previousVersionPath, undefined);
    assertNoLeftovers();
    assert.equal(existsSync(join(stateDir, 'versions')), false, 'nothing was replaced');
  });

  it("shows a new app's merge the scaffold as the app stands, folders and all", async () => {
    const seen: Record<string, string | undefined> = {};
    await store.commit(
      request('job-1', [], {
        plan: (readCurrent) => {
          for (const path of ['frontend/package.json', 'backend/./app.py', 'backend', 'backend/models.py']) {
            seen[path] = readCurrent(path);
          }
          return [{ path: 'frontend/package.json', content: '{"dependencies":{}}\n' }];
        },
      }),
    );
    assert.deepEqual(seen, {
      'frontend/package.json': '{}\n',
      'backend/./app.py': '# scaffold\n',
      backend: undefined,
      'backend/models.py': undefined,
    });
    assert.equal(read(join(workspace, APP), 'frontend/package.json'), '{"dependencies":{}}\n');
  });

  it('makes the output and journal folders again when they were removed while the daemon ran', async () => {
    await store.commit(request('job-1', [{ path: 'backend/app.py', content: 'v1\n' }]));
    rmSync(join(workspace, 'generated'), { recursive: true, force: true });
    rmSync(join(stateDir, 'commits'), { recursive: true, force: true });
    await store.commit(
      request('job-2', [{ path: 'backend/app.py', content: 'v2\n' }], {
        appPath: 'generated/apps/sim_alpha/app2',
      }),
    );
    assert.equal(read(join(workspace, 'generated/apps/sim_alpha/app2'), 'backend/app.py'), 'v2\n');
  });

  it('keeps the previous version of an existing app and merges onto it', async () => {
    await store.commit(request('job-1', [{ path: 'backend/app.py', content: 'v1\n' }]));
    let seen: string | undefined;
    const result = await store.commit(
      request('job-2', [], {
        scaffold: () => {
          throw new Error('an existing app gets no scaffold');
        },
        plan: (readCurrent) => {
          seen = readCurrent('backend/app.py');
          return [{ path: 'backend/app.py', content: 'v2\n' }];
        },
      }),
    );
    assert.equal(seen, 'v1\n', 'the plan reads the app as committed');
    const app = join(workspace, APP);
    assert.equal(read(app, 'backend/app.py'), 'v2\n');
    assert.equal(read(app, '.env'), 'BACKEND_PORT=5001\n', 'untouched files stay');
    assert.deepEqual(result.files, ['backend/app.py']);
    assert.match(result.previousVersionPath ?? '', /^\.appgen\/versions\/sim_alpha\/app1\/[^/]+job-2$/);
    const kept = join(workspace, result.previousVersionPath!);
    assert.equal(read(kept, 'backend/app.py'), 'v1\n');
    assert.equal(read(kept, '.env'), 'BACKEND_PORT=5001\n');

    const third = await store.commit(request('job-3', [{ path: 'backend/app.py', content: 'v3\n' }]));
    assert.notEqual(third.previousVersionPath, result.previousVersionPath);
    assert.equal(read(join(workspace, third.previousVersionPath!), 'backend/app.py'), 'v2\n');
    assert.equal(readdirSync(join(stateDir, 'versions', 'sim_alpha', 'app1')).length, 2);
    assertNoLeftovers();
  });

  it('builds the new app in a folder of its own beside the app, on the same file system', async () => {
    await store.commit(request('job-1', [{ path: 'backend/app.py', content: 'v1\n' }]));
    let root: string | undefined;
    await store.commit(
      request('job-2', [{ path: 'backend/app.py', content: 'v2\n' }], {
        checkPath: (staging) => {
          root = staging;
        },
      }),
    );
    assert.equal(root, join(workspace, PARENT, '.appgen-staging-job-2', 'next'));
    assertNoLeftovers();
  });

  it('reads a committed file, and undefined for a missing one', async () => {
    await store.commit(request('job-1', [{ path: 'backend/app.py', content: 'v1\n' }]));
    assert.equal(await store.readFile(APP, 'backend/app.py'), 'v1\n');
    assert.equal(await store.readFile(APP, 'backend/missing.py'), undefined);
    assert.equal(await store.readFile('generated/apps/none/app9', 'backend/app.py'), undefined);
  });

  it('answers which apps of a model are on disk, whoever made them, and the highest number', async () => {
    assert.deepEqual(store.appNums('generated/apps', 'sim_alpha'), [], 'no model folder yet');
    assert.equal(store.highestAppNum('generated/apps', 'sim_alpha'), 0);
    await store.commit(request('job-1', [{ path: 'backend/app.py', content: 'v1\n' }]));
    mkdirSync(join(workspace, PARENT, 'app12'));
    write(join(workspace, PARENT), 'app3', 'a file by that name blocks the number too\n');
    // Not apps: a commit under way, hand-made names AppGen never gives, another model's apps.
    for (const other of ['.appgen-staging-job-9', 'app0', 'app007', 'app', 'app5.bak', 'notes'])
      mkdirSync(join(workspace, PARENT, other));
    mkdirSync(join(workspace, 'generated/apps/sim_beta/app40'), { recursive: true });
    assert.deepEqual(store.appNums('generated/apps', 'sim_alpha'), [1, 3, 12]);
    assert.equal(store.highestAppNum('generated/apps', 'sim_alpha'), 12);
    assert.equal(store.highestAppNum('generated/apps', 'sim_beta'), 40);
    assert.equal(store.highestAppNum('elsewhere', 'sim_alpha'), 0, 'per output folder');
  });

  it('refuses a state folder other than the one the workspace layout names', () => {
    assert.throws(
      () => new AppStore(workspace, join(workspace, 'state')),
      /The state folder of .* is \.appgen/,
    );
    assert.throws(() => new AppStore(workspace, join(base, '.appgen')), /The state folder of .* is \.appgen/);
  });

  it('never reads a file of the app through a link, nor a path that leaves the workspace', async () => {
    await store.commit(request('job-1', [{ path: 'backend/app.py', content: 'v1\n' }]));
    rmSync(join(workspace, APP, 'backend', 'app.py'));
    symlinkSync(join(outside, 'precious.txt'), join(workspace, APP, 'backend', 'app.py'));
    assert.equal(await store.readFile(APP, 'backend/app.py'), undefined);
    symlinkSync(outside, join(workspace, APP, 'frontend', 'src'));
    assert.equal(await store.readFile(APP, 'frontend/src/precious.txt'), undefined);
    assert.equal(await store.readFile('../outside', 'precious.txt'), undefined);
  });

  it('leaves an existing app untouched and nothing behind when a path check fails', async () => {
    await store.commit(request('job-1', [{ path: 'backend/app.py', content: 'v1\n' }]));
    const before = snapshot(join(workspace, APP));
    const refused = new DaemonError('unsafe_path', 'backend/link/x.py goes through a symbolic link');
    await assert.rejects(
      store.commit(
        request(
          'job-2',
          [
            { path: 'backend/app.py', content: 'v2\n' },
            { path: 'backend/link/x.py', content: 'evil\n' },
          ],
          {
            checkPath: async (_root, rel) => {
              if (rel.includes('link')) throw refused;
            },
          },
        ),
      ),
      (error) => error === refused,
    );
    assert.deepEqual(snapshot(join(workspace, APP)), before);
    assertNoLeftovers();
    assert.equal(existsSync(join(stateDir, 'versions', 'sim_alpha', 'app1', 'x')), false);
    assert.deepEqual(
      readdirSync(join(stateDir, 'versions', 'sim_alpha', 'app1')),
      [],
      'nothing was replaced',
    );
  });

  it('checks the paths of a copied app only: a new app holds nothing but its own writes', async () => {
    const checked: string[] = [];
    const checkPath = async (_root: string, rel: string) => {
      checked.push(rel);
    };
    await store.commit(request('job-1', [{ path: 'backend/app.py', content: 'v1\n' }], { checkPath }));
    assert.deepEqual(checked, [], 'a new app is built from the scaffold in a fresh folder');
    await store.commit(request('job-2', [{ path: 'backend/app.py', content: 'v2\n' }], { checkPath }));
    assert.deepEqual(checked, ['backend/app.py']);
    assert.equal(read(join(workspace, APP), 'backend/app.py'), 'v2\n');
  });

  describe('symbolic links on the way to the app', () => {
    it('refuses an app folder that is a link: the folder it points to and the link stay as they were', async () => {
      write(outside, 'app/backend/app.py', 'the real app elsewhere\n');
      mkdirSync(join(workspace, PARENT), { recursive: true });
      symlinkSync(join(outside, 'app'), join(workspace, APP), 'dir');
      const before = snapshot(outside);
      const error = await expectDaemonErrorAsync(
        () => store.commit(request('job-1', [{ path: 'backend/app.py', content: 'overwritten\n' }])),
        'unsafe_path',
      );
      assert.match(error.message, /"generated\/apps\/sim_alpha\/app1": is a symbolic link/);
      assert.deepEqual(snapshot(outside), before, 'nothing written where the link points');
      assert.ok(lstatSync(join(workspace, APP)).isSymbolicLink(), 'the link itself is not moved');
      assert.equal(readlinkSync(join(workspace, APP)), join(outside, 'app'));
      assert.equal(
        existsSync(join(stateDir, 'versions')),
        false,
        'no "previous version" that is only a link',
      );
      assertNoLeftovers();
    });

    it('refuses an output folder that is a link, naming the link, and writes nothing there', async () => {
      mkdirSync(join(workspace, 'generated'));
      symlinkSync(outside, join(workspace, 'generated', 'apps'), 'dir');
      const before = snapshot(outside);
      const error = await expectDaemonErrorAsync(
        () => store.commit(request('job-1', [{ path: 'backend/app.py', content: 'x\n' }])),
        'unsafe_path',
      );
      assert.match(error.message, /goes through the symbolic link "generated\/apps"/);
      assert.deepEqual(snapshot(outside), before);
    });

    it('refuses a link even when it points back inside the workspace', async () => {
      mkdirSync(join(workspace, 'elsewhere'));
      mkdirSync(join(workspace, 'generated/apps'), { recursive: true });
      symlinkSync(join(workspace, 'elsewhere'), join(workspace, PARENT), 'dir');
      await expectDaemonErrorAsync(
        () => store.commit(request('job-1', [{ path: 'backend/app.py', content: 'x\n' }])),
        'unsafe_path',
      );
      assert.deepEqual(readdirSync(join(workspace, 'elsewhere')), []);
    });

    it('refuses a versions folder that is a link before the old app moves', async () => {
      await store.commit(request('job-1', [{ path: 'backend/app.py', content: 'v1\n' }]));
      symlinkSync(outside, join(stateDir, 'versions'), 'dir');
      const before = snapshot(outside);
      const error = await expectDaemonErrorAsync(
        () => store.commit(request('job-2', [{ path: 'backend/app.py', content: 'v2\n' }])),
        'unsafe_path',
      );
      assert.match(error.message, /symbolic link "\.appgen\/versions"/);
      assert.equal(read(join(workspace, APP), 'backend/app.py'), 'v1\n', 'the old app stays in place');
      assert.deepEqual(snapshot(outside), before);
      assert.deepEqual(commitFolders(workspace), []);
    });

    it('refuses a journal folder that is a link', async () => {
      symlinkSync(outside, join(stateDir, 'commits'), 'dir');
      const before = snapshot(outside);
      await expectDaemonErrorAsync(
        () => store.commit(request('job-1', [{ path: 'backend/app.py', content: 'x\n' }])),
        'unsafe_path',
      );
      assert.deepEqual(snapshot(outside), before);
      assert.equal(existsSync(join(workspace, APP)), false);
    });

    it('refuses an app path that leaves the workspace or enters .appgen', async () => {
      for (const appPath of [
        '../outside/x/app1',
        '/tmp/x/app1',
        '.appgen/x/app1',
        'generated/apps/x/other',
      ]) {
        await expectDaemonErrorAsync(
          () => store.commit(request('job-1', [{ path: 'backend/app.py', content: 'x\n' }], { appPath })),
          'unsafe_path',
        );
      }
      assert.deepEqual(snapshot(outside), { 'precious.txt': 'keep me\n' });
    });
  });
});
