/** The call artifacts on disk: readable by the user only, never written through a link. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStore, type CallArtifacts } from '../../daemon/artifacts';
import { modeOf, read, snapshot, write } from './app-store-fixtures';
import { expectDaemonErrorAsync } from './merger/merger-test-helpers';

const CALL: CallArtifacts = {
  jobId: 'job-1',
  component: 'backend',
  request: { model: 'sim/alpha', messages: [{ role: 'user', content: 'a prompt' }] },
  rawResponse: 'an answer',
  meta: { model: 'sim/alpha' },
};

describe('ArtifactStore', () => {
  let base: string;
  let workspace: string;
  let outside: string;
  let store: ArtifactStore;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'appgen-artifacts-'));
    workspace = join(base, 'workspace');
    outside = join(base, 'outside');
    mkdirSync(join(workspace, '.appgen'), { recursive: true });
    write(outside, 'precious.txt', 'keep me\n');
    store = new ArtifactStore(workspace, (text) => text);
  });

  afterEach(() => {
    rmSync(base, { recursive: true, force: true });
  });

  it('keeps the three files of a call readable by the user only, in folders only the user can open', async () => {
    const saved = await store.save('sim_alpha', 1, CALL);
    assert.equal(saved, '.appgen/artifacts/sim_alpha/app1/job-1.backend.response.txt');
    assert.equal(read(workspace, saved), 'an answer');
    for (const folder of ['artifacts', 'artifacts/sim_alpha', 'artifacts/sim_alpha/app1']) {
      assert.equal(modeOf(join(workspace, '.appgen', folder)), 0o700, folder);
    }
    for (const file of ['request.json', 'response.txt', 'meta.json']) {
      assert.equal(
        modeOf(join(workspace, '.appgen/artifacts/sim_alpha/app1', `job-1.backend.${file}`)),
        0o600,
      );
    }
  });

  it('makes its folder again when it was removed while the daemon ran', async () => {
    await store.save('sim_alpha', 1, CALL);
    rmSync(join(workspace, '.appgen', 'artifacts'), { recursive: true });
    await store.save('sim_alpha', 1, { ...CALL, component: 'frontend' });
    assert.ok(existsSync(join(workspace, '.appgen/artifacts/sim_alpha/app1/job-1.frontend.meta.json')));
  });

  it('refuses an artifacts folder that is a link out of the workspace, naming it', async () => {
    symlinkSync(outside, join(workspace, '.appgen', 'artifacts'), 'dir');
    const error = await expectDaemonErrorAsync(() => store.save('sim_alpha', 1, CALL), 'unsafe_path');
    assert.match(error.message, /symbolic link "\.appgen\/artifacts"/);
    assert.deepEqual(snapshot(outside), { 'precious.txt': 'keep me\n' });
  });

  it('refuses a link planted where an artifact file goes', async () => {
    await store.save('sim_alpha', 1, CALL);
    const file = join(workspace, '.appgen/artifacts/sim_alpha/app1/job-2.backend.response.txt');
    symlinkSync(join(outside, 'precious.txt'), file);
    await expectDaemonErrorAsync(
      () => store.save('sim_alpha', 1, { ...CALL, jobId: 'job-2' }),
      'unsafe_path',
    );
    assert.deepEqual(snapshot(outside), { 'precious.txt': 'keep me\n' });
  });

  it('refuses a model slug too long for a folder name as unsafe_path, with no absolute path', async () => {
    const error = await expectDaemonErrorAsync(() => store.save('m'.repeat(300), 1, CALL), 'unsafe_path');
    assert.match(error.message, /^Unsafe path "\.appgen\/artifacts\/mmm/);
    assert.ok(!error.message.includes(base), error.message);
  });

  it('refuses a slug or number a history row planted, writing nothing outside', async () => {
    for (const [slug, appNum] of [
      ['../../../outside/victim', 1],
      ['..', 1],
      ['a/b', 1],
      ['m', 0],
      ['m', 1.5],
    ] as const) {
      const error = await expectDaemonErrorAsync(() => store.save(slug, appNum, CALL), 'unsafe_path');
      assert.match(error.message, /is not one model's and one app's artifacts folder/);
    }
    await expectDaemonErrorAsync(() => store.save('m', 1, { ...CALL, jobId: '../j' }), 'unsafe_path');
    assert.deepEqual(readdirSync(outside), ['precious.txt']);
    assert.deepEqual(readdirSync(join(workspace, '.appgen')), []);
  });
});
