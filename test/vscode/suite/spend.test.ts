import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PickerSnapshot } from '../../../extension/commands/command-context';
import type { Job } from '../../../shared/job';
import {
  extensionApi,
  generate,
  sharedSimulator,
  TEST_API_KEY,
  updateSetting,
  waitFor,
  waitForJob,
  workspaceFolder,
} from './helpers';

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

  it('keeps a queue paused by a 402 paused when the daemon starts again, as after a reload, until resumed', async () => {
    const api = await extensionApi();
    const simulator = await sharedSimulator();
    await updateSetting(api, 'maxConcurrent', 1);
    try {
      simulator.setModelBehavior('sim/free:free', { faults: ['http402'] });
      const [refused] = await generate('crud_todo_list', ['sim/free:free']);
      assert.equal((await waitForJob(api, refused!.id, ['failed'])).error?.code, 'insufficient_credits');
      await waitFor(
        api.onDidChangePause,
        () => (api.statusBarText().includes('paused (402)') ? true : undefined),
        'the pause',
      );
      const [waiting] = await generate('kanban_board', ['sim/free:free']);
      const before = (await api.status()).pid;
      await vscode.commands.executeCommand('appgen.restartDaemon');
      const status = await api.status();
      assert.notEqual(status.pid, before, 'a new daemon');
      assert.equal(status.pauseCause, 'insufficient_credits', 'the new daemon is paused too');
      assert.equal(status.queued, 1);
      await waitFor(
        api.onDidChangePause,
        () => (api.statusBarText().startsWith('$(debug-pause) AppGen: paused (402)') ? true : undefined),
        'the status bar to say the queue is paused',
      );
      assert.equal(api.jobs().find((job) => job.id === waiting!.id)?.status, 'queued');
      assert.equal(await vscode.commands.executeCommand('appgen.resumeQueue'), true);
      assert.equal((await waitForJob(api, waiting!.id, ['succeeded', 'failed'])).status, 'succeeded');
      assert.equal((await api.status()).paused, undefined);
    } finally {
      await vscode.workspace
        .getConfiguration('appgen')
        .update('maxConcurrent', undefined, vscode.ConfigurationTarget.Workspace);
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
