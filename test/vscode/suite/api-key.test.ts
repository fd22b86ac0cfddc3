import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { extensionApi, TEST_API_KEY, workspaceFolder } from './helpers';

describe('API key', () => {
  it('starts the daemon without a key after the key is cleared', async () => {
    const api = await extensionApi();
    await vscode.commands.executeCommand('appgen.clearApiKey');
    const status = await api.status();
    assert.equal(status.hasApiKey, false);
  });

  it('sends a key set through the command to the running daemon', async () => {
    const api = await extensionApi();
    const saved = await vscode.commands.executeCommand('appgen.setApiKey', { apiKey: TEST_API_KEY });
    assert.equal(saved, true);
    const status = await api.status();
    assert.equal(status.hasApiKey, true);
    assert.ok(!JSON.stringify(status).includes(TEST_API_KEY), 'daemon/status must not echo the key');
  });

  it('keeps the key out of every setting', () => {
    const config = vscode.workspace.getConfiguration('appgen');
    for (const key of ['baseUrl', 'defaultModels', 'outputDir']) {
      const inspected = config.inspect(key);
      assert.ok(!JSON.stringify(inspected).includes(TEST_API_KEY), `appgen.${key} holds the key`);
    }
    const settingsFile = readFileSync(join(workspaceFolder().uri.fsPath, '.vscode', 'settings.json'), 'utf8');
    assert.ok(!settingsFile.includes(TEST_API_KEY), 'the workspace settings file holds the key');
  });

  it('refuses a key with spaces', async () => {
    const saved = await vscode.commands.executeCommand('appgen.setApiKey', { apiKey: 'not a key' });
    assert.equal(saved, false);
    assert.equal((await (await extensionApi()).status()).hasApiKey, true);
  });
});
