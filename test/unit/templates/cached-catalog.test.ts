import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedCatalog, folderFingerprint } from '../../../daemon/templates/cached-catalog';

describe('cachedCatalog', () => {
  it('reads once while the fingerprint stays, and again as soon as it changes', async () => {
    let key = 'a';
    let loads = 0;
    const catalog = cachedCatalog(
      async () => ++loads,
      async () => key,
    );
    assert.equal(await catalog(), 1);
    assert.equal(await catalog(), 1);
    key = 'b';
    assert.equal(await catalog(), 2);
    assert.equal(await catalog(), 2);
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
