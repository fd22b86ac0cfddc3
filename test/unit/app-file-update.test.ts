import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { updateAppFile } from '../../daemon/app-file-update';

describe('updateAppFile (AppGen rewriting one of its own files in an app)', () => {
  let workspace: string;
  let outside: string;
  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'app-file-'));
    outside = mkdtempSync(join(tmpdir(), 'outside-'));
    writeFileSync(join(outside, 'appgen.json'), 'untouched');
  });

  it('replaces the file whole, from what it held', async () => {
    mkdirSync(join(workspace, 'apps/m/app1'), { recursive: true });
    writeFileSync(join(workspace, 'apps/m/app1/appgen.json'), 'one');
    assert.equal(await updateAppFile(workspace, 'apps/m/app1', 'appgen.json', (text) => `${text}+two`), true);
    assert.equal(readFileSync(join(workspace, 'apps/m/app1/appgen.json'), 'utf8'), 'one+two');
    assert.deepEqual(readdirSync(join(workspace, 'apps/m/app1')), ['appgen.json'], 'no temporary file left');
  });

  it('writes nothing through an app folder that is a link, nor through a link on its way', async () => {
    mkdirSync(join(workspace, 'apps/m'), { recursive: true });
    symlinkSync(outside, join(workspace, 'apps/m/app1'));
    await assert.rejects(
      updateAppFile(workspace, 'apps/m/app1', 'appgen.json', () => 'forged'),
      /symbolic link/,
    );
    symlinkSync(join(outside), join(workspace, 'linked'));
    await assert.rejects(
      updateAppFile(workspace, 'linked', 'appgen.json', () => 'forged'),
      /symbolic link/,
    );
    assert.equal(readFileSync(join(outside, 'appgen.json'), 'utf8'), 'untouched');
  });

  it('leaves a link planted where the file goes, and an app that is gone, as they are', async () => {
    mkdirSync(join(workspace, 'apps/m/app1'), { recursive: true });
    symlinkSync(join(outside, 'appgen.json'), join(workspace, 'apps/m/app1/appgen.json'));
    assert.equal(await updateAppFile(workspace, 'apps/m/app1', 'appgen.json', () => 'forged'), false);
    assert.equal(await updateAppFile(workspace, 'apps/m/app9', 'appgen.json', () => 'new'), false);
    assert.equal(readFileSync(join(outside, 'appgen.json'), 'utf8'), 'untouched');
  });
});
