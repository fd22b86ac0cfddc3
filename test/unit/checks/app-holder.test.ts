import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appHolder } from '../../../daemon/checks/app-holder';

describe('appHolder', () => {
  let workspace: string;
  const app = 'generated/apps/m/app1';
  const manifest = (fields: object) => JSON.stringify({ model: 'm/x', jobId: 'j2', ...fields });
  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'app-holder-'));
    mkdirSync(join(workspace, app), { recursive: true });
  });
  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  it("names the job of the app's manifest", () => {
    writeFileSync(join(workspace, app, 'appgen.json'), manifest({}));
    assert.equal(appHolder(workspace, app), 'j2');
  });

  it('knows nothing without a readable manifest: none, damaged, not one, or a link', () => {
    assert.equal(appHolder(workspace, app), undefined);
    writeFileSync(join(workspace, app, 'appgen.json'), '{"jobId": ');
    assert.equal(appHolder(workspace, app), undefined);
    writeFileSync(join(workspace, app, 'appgen.json'), '["j2"]');
    assert.equal(appHolder(workspace, app), undefined);
    rmSync(join(workspace, app, 'appgen.json'));
    writeFileSync(join(workspace, 'elsewhere.json'), manifest({ jobId: 'planted' }));
    symlinkSync(join(workspace, 'elsewhere.json'), join(workspace, app, 'appgen.json'));
    assert.equal(appHolder(workspace, app), undefined);
  });
});
