import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PickerSnapshot } from '../../../extension/commands/command-context';
import type { Job } from '../../../shared/job';
import { extensionApi, sharedSimulator, TEST_API_KEY, waitFor, workspaceFolder } from './helpers';

describe('Spending is chosen', () => {
  after(async () => {
    await vscode.commands.executeCommand('appgen.setApiKey', { apiKey: TEST_API_KEY });
  });

  it('selects no model in Generate App unless the user set appgen.defaultModels', async () => {
    const api = await extensionApi();
    await sharedSimulator();
    const inspected = vscode.workspace.getConfiguration('appgen').inspect<string[]>('defaultModels');
    assert.deepEqual(inspected?.defaultValue, []);
    assert.equal(inspected?.workspaceValue, undefined, 'the test workspace must not set defaultModels');
    const before = api.jobs().length;
    let shown: PickerSnapshot | undefined;
    const subscription = api.onDidShowPicker((snapshot) => {
      shown = snapshot;
    });
    try {
      const command = vscode.commands.executeCommand<Job[] | undefined>('appgen.generateApp', {
        templateSlug: 'crud_todo_list',
      });
      const picker = await waitFor(api.onDidShowPicker, () => shown, 'the model picker to open');
      assert.equal(picker.picker, 'models');
      assert.deepEqual(picker.selected, []);
      // Accepting the picker as it opened starts nothing.
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      assert.equal(await command, undefined);
      assert.equal(api.jobs().length, before);
    } finally {
      subscription.dispose();
    }
  });

  it('starts nothing from Run Batch or Generate App without a key', async () => {
    const api = await extensionApi();
    await vscode.commands.executeCommand('appgen.clearApiKey');
    assert.equal((await api.status()).hasApiKey, false);
    writeFileSync(
      join(workspaceFolder().uri.fsPath, 'appgen.batch.json'),
      '{"models": ["sim/alpha"], "templates": ["crud_todo_list"]}',
    );
    const before = api.jobs().length;
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand('appgen.runBatch', {
          configPath: 'appgen.batch.json',
          confirm: false,
        }),
      ),
      /no OpenRouter API key is set/,
    );
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand('appgen.generateApp', {
          templateSlug: 'crud_todo_list',
          models: ['sim/alpha'],
        }),
      ),
      /no OpenRouter API key is set/,
    );
    const status = await api.status();
    assert.equal(status.queued + status.running, 0);
    assert.equal(api.jobs().length, before);
  });
});
