import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppStore, type CommitRequest, type FileWrite } from '../../daemon/app-store';
import { DaemonError } from '../../daemon/daemon-error';

const APP = 'generated/apps/sim_alpha/app1';
const SCAFFOLD: FileWrite[] = [
  { path: '.env', content: 'BACKEND_PORT=5001\n' },
  { path: 'backend/app.py', content: '# scaffold\n' },
  { path: 'frontend/package.json', content: '{}\n' },
];

function read(root: string, path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

function write(root: string, path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

describe('AppStore', () => {
  let workspace: string;
  let stateDir: string;
  let store: AppStore;
  let tick: number;

  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'appgen-store-'));
    stateDir = join(workspace, '.appgen');
    mkdirSync(stateDir);
    tick = 0;
    // A clock that moves, so each kept version gets its own stamp.
    store = new AppStore(workspace, stateDir, () => new Date(Date.UTC(2025, 1, 9, 10, 0, tick++)));
  });

  afterEach(() => {
    rmSync(workspace, { recursive: true, force: true });
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
    assert.deepEqual(readdirSync(join(stateDir, 'staging')), []);
    assert.ok(
      !existsSync(join(stateDir, 'commits')),
      'a new app goes in with one rename, which needs no journal',
    );
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

  it('makes the staging folder again when it was removed while the daemon ran', async () => {
    await store.commit(request('job-1', [{ path: 'backend/app.py', content: 'v1\n' }]));
    rmSync(join(stateDir, 'staging'), { recursive: true, force: true });
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
    assert.deepEqual(readdirSync(join(stateDir, 'commits')), [], 'each swap removed its journal');
  });

  it('reads a committed file, and undefined for a missing one', async () => {
    await store.commit(request('job-1', [{ path: 'backend/app.py', content: 'v1\n' }]));
    assert.equal(await store.readFile(APP, 'backend/app.py'), 'v1\n');
    assert.equal(await store.readFile(APP, 'backend/missing.py'), undefined);
    assert.equal(await store.readFile('generated/apps/none/app9', 'backend/app.py'), undefined);
  });

  it('leaves an existing app untouched and no staging behind when a path check fails', async () => {
    await store.commit(request('job-1', [{ path: 'backend/app.py', content: 'v1\n' }]));
    const before = readdirSync(join(workspace, APP), { recursive: true }).sort();
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
    assert.equal(read(join(workspace, APP), 'backend/app.py'), 'v1\n');
    assert.deepEqual(readdirSync(join(workspace, APP), { recursive: true }).sort(), before);
    assert.deepEqual(readdirSync(join(stateDir, 'staging')), []);
    assert.equal(existsSync(join(stateDir, 'versions')), false, 'nothing was replaced');
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

  describe('recover', () => {
    /** Leaves a journal and folders as a crash inside a commit's swap would. */
    function crashedSwap(jobId: string, parts: { app?: string; staging: string; backup?: string }): void {
      const app = join(workspace, APP);
      const staging = join(stateDir, 'staging', jobId);
      const backup = join(stateDir, 'versions', 'sim_alpha', 'app1', `crash-${jobId}`);
      if (parts.app !== undefined) write(app, 'backend/app.py', parts.app);
      write(staging, 'backend/app.py', parts.staging);
      if (parts.backup !== undefined) write(backup, 'backend/app.py', parts.backup);
      const journal = { app, staging, ...(parts.backup !== undefined ? { backup } : {}) };
      write(join(stateDir, 'commits'), `${jobId}.json`, JSON.stringify(journal));
    }

    it('completes a swap whose old app was already moved away', async () => {
      crashedSwap('job-1', { staging: 'new\n', backup: 'old\n' });
      const actions = await store.recover();
      assert.equal(read(join(workspace, APP), 'backend/app.py'), 'new\n');
      assert.deepEqual(readdirSync(join(stateDir, 'staging')), []);
      assert.deepEqual(readdirSync(join(stateDir, 'commits')), []);
      assert.equal(
        read(join(stateDir, 'versions', 'sim_alpha', 'app1', 'crash-job-1'), 'backend/app.py'),
        'old\n',
        'the old version stays kept',
      );
      assert.ok(actions.some((action) => /completed/.test(action)));
    });

    it('completes the first commit of a new app', async () => {
      crashedSwap('job-1', { staging: 'new\n' });
      await store.recover();
      assert.equal(read(join(workspace, APP), 'backend/app.py'), 'new\n');
    });

    it('rolls back a swap whose old app is still in place', async () => {
      crashedSwap('job-1', { app: 'old\n', staging: 'new\n' });
      const actions = await store.recover();
      assert.equal(read(join(workspace, APP), 'backend/app.py'), 'old\n');
      assert.deepEqual(readdirSync(join(stateDir, 'staging')), []);
      assert.deepEqual(readdirSync(join(stateDir, 'commits')), []);
      assert.ok(actions.some((action) => /rolled back/.test(action)));
    });

    it('drops a journal whose swap had finished, and one cut off while being written', async () => {
      write(join(workspace, APP), 'backend/app.py', 'done\n');
      write(
        join(stateDir, 'commits'),
        'job-1.json',
        JSON.stringify({ app: join(workspace, APP), staging: join(stateDir, 'staging', 'job-1') }),
      );
      write(join(stateDir, 'commits'), 'job-2.json', '{"app": "/some/wh');
      await store.recover();
      assert.equal(read(join(workspace, APP), 'backend/app.py'), 'done\n');
      assert.deepEqual(readdirSync(join(stateDir, 'commits')), []);
    });

    it('removes staging folders no journal names', async () => {
      write(join(stateDir, 'staging', 'job-9'), 'backend/app.py', 'half written');
      write(join(stateDir, 'staging', 'job-10'), 'frontend/src/App.jsx', 'half written');
      const actions = await store.recover();
      assert.deepEqual(readdirSync(join(stateDir, 'staging')), []);
      assert.equal(actions.filter((action) => /staging/.test(action)).length, 2);
      assert.equal(existsSync(join(workspace, APP)), false, 'debris never becomes an app');
    });

    it('does nothing on a clean workspace', async () => {
      assert.deepEqual(await store.recover(), []);
      await store.commit(request('job-1', [{ path: 'backend/app.py', content: 'v1\n' }]));
      assert.deepEqual(await store.recover(), []);
      assert.equal(read(join(workspace, APP), 'backend/app.py'), 'v1\n');
    });
  });
});
