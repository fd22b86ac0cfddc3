import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedCatalog, folderFingerprint } from '../../../daemon/templates/cached-catalog';

describe('cachedCatalog', () => {
  /** A folder whose fingerprint the test sets, counting how often it is asked. */
  function setup() {
    const state = { key: 'a', asked: 0, loads: 0, epoch: 0, now: 0 };
    const catalog = cachedCatalog(
      async () => ++state.loads,
      async () => {
        state.asked++;
        return state.key;
      },
      { epoch: () => state.epoch, now: () => state.now, maxAgeMs: 1000 },
    );
    return { state, catalog };
  }

  it('reads again at the first lookup after a request once the folder changed, and only then', async () => {
    const { state, catalog } = setup();
    assert.equal(await catalog(), 1);
    assert.equal(await catalog(), 1);
    state.key = 'b';
    state.epoch++;
    assert.equal(await catalog(), 2, 'a request after the change sees it at once');
    state.epoch++;
    assert.equal(await catalog(), 2, 'an unchanged folder is not read again');
    assert.equal(state.loads, 2);
  });

  it('asks the folder once per request, and at least once within the time it counts', async () => {
    const { state, catalog } = setup();
    for (let i = 0; i < 100; i++) await catalog();
    assert.equal(state.asked, 1, "one request's many lookups ask once");
    state.key = 'b';
    state.now = 999;
    assert.equal(await catalog(), 1);
    state.now = 1000;
    assert.equal(await catalog(), 2, 'a lookup no request caused sees the change within a second');
    assert.equal(state.asked, 2);
  });

  it('does not keep a failed read', async () => {
    let loads = 0;
    const catalog = cachedCatalog(
      async () => {
        loads++;
        if (loads === 1) throw new Error('disk error');
        return 'ok';
      },
      async () => 'same',
      { epoch: () => 0 },
    );
    await assert.rejects(catalog(), /disk error/);
    assert.equal(await catalog(), 'ok');
  });
});

describe('folderFingerprint', () => {
  let root: string;
  let dir: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'fingerprint-'));
    dir = join(root, 'templates');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('stays the same while nothing changes', async () => {
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.json'), '{}');
    assert.equal(await folderFingerprint(dir), await folderFingerprint(dir));
  });

  it('changes when a file is added, written (even to the same size), renamed or removed', async () => {
    mkdirSync(dir);
    const seen = new Set<string>();
    const step = async (what: string) => {
      const print = await folderFingerprint(dir);
      assert.ok(!seen.has(print), `no change seen after: ${what}`);
      seen.add(print);
    };
    await step('nothing yet');
    writeFileSync(join(dir, 'a.json'), '{"slug":"a"}');
    await step('added');
    writeFileSync(join(dir, 'a.json'), '{"slug":"b"}');
    await step('written again, same size');
    renameSync(join(dir, 'a.json'), join(dir, 'b.json'));
    await step('renamed');
    rmSync(join(dir, 'b.json'));
    await step('removed');
  });

  it('changes when the file a link leads to is written', async () => {
    mkdirSync(dir);
    const target = join(root, 'shared.json');
    writeFileSync(target, '{"slug":"shared"}');
    symlinkSync(target, join(dir, 'shared.json'));
    const before = await folderFingerprint(dir);
    writeFileSync(target, '{"slug":"shared","name":"Shared"}');
    assert.notEqual(await folderFingerprint(dir), before);
  });

  it('tells a missing folder from an empty one, and sees it appear', async () => {
    const missing = await folderFingerprint(dir);
    assert.match(missing, /ENOENT/);
    mkdirSync(dir);
    assert.notEqual(await folderFingerprint(dir), missing);
  });
});
