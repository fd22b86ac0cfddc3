import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateBatchFile } from '../../../cli/commands';

describe('locateBatchFile', () => {
  let root: string;
  let cwd: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'appgen-locate-'));
    cwd = process.cwd();
    mkdirSync(join(root, 'ws'));
    mkdirSync(join(root, 'elsewhere'));
    writeFileSync(join(root, 'ws', 'only-in-ws.json'), '{}');
    writeFileSync(join(root, 'elsewhere', 'both.json'), '{}');
    writeFileSync(join(root, 'ws', 'both.json'), '{}');
    process.chdir(join(root, 'elsewhere'));
  });
  afterEach(() => {
    process.chdir(cwd);
    rmSync(root, { recursive: true, force: true });
  });

  it('prefers the current folder, as a shell would', () => {
    assert.equal(locateBatchFile('both.json', join(root, 'ws')), join(root, 'elsewhere', 'both.json'));
  });

  it('falls back to the workspace for a file only there', () => {
    assert.equal(locateBatchFile('only-in-ws.json', join(root, 'ws')), join(root, 'ws', 'only-in-ws.json'));
  });

  it('keeps the current-folder path for a file that is nowhere, so the error names it', () => {
    assert.equal(locateBatchFile('missing.json', join(root, 'ws')), join(root, 'elsewhere', 'missing.json'));
  });
});
