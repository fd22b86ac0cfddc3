import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { PickerSnapshot } from '../../../extension/commands/command-context';
import type { Job } from '../../../shared/job';
import {
  extensionApi,
  generate,
  sharedSimulator,
  TEST_API_KEY,
  treeItemOf,
  updateSetting,
  waitFor,
  waitForJob,
  workspaceFolder,
} from './helpers';

describe('Generate App', () => {
  after(async () => {
    (await sharedSimulator()).resume();
    await updateSetting(await extensionApi(), 'maxConcurrent', undefined);
  });

  it('shows a queued job, then a running one, then writes the app and shows it succeeded', async () => {
    const api = await extensionApi();
    const simulator = await sharedSimulator();
    await updateSetting(api, 'maxConcurrent', 1);
    simulator.pause();
    const [first, second] = await generate('crud_todo_list', ['sim/alpha', 'sim/beta']);
    assert.ok(first && second);

    await waitFor(
      api.onDidChangeJobs,
      () => {
        const jobs = api.jobs();
        const a = jobs.find((job) => job.id === first.id);
        const b = jobs.find((job) => job.id === second.id);
        return a?.status === 'running' && b?.status === 'queued' ? true : undefined;
      },
      'one job running and one queued',
    );
    const running = treeItemOf(api, first.id);
    const queued = treeItemOf(api, second.id);
    assert.equal(running?.icon, 'sync~spin');
    assert.equal(queued?.icon, 'clock');
    assert.match(queued?.description ?? '', /^queued · crud_todo_list/);
    assert.equal(queued?.contextValue?.startsWith('job:queued'), true);
    assert.equal(api.statusBarText(), '$(sync~spin) AppGen: 1 running, 1 queued');
    // Unfinished jobs are listed above the history.
    assert.deepEqual(
      api
        .tree()
        .slice(0, 2)
        .map((item) => item.jobId),
      [first.id, second.id],
    );

    simulator.resume();
    const done = await waitForJob(api, second.id, ['succeeded', 'failed']);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    await waitForJob(api, first.id, ['succeeded']);

    const item = treeItemOf(api, second.id);
    assert.equal(item?.icon, 'check');
    assert.match(item?.tooltip ?? '', /sim\/beta/);
    assert.match(item?.tooltip ?? '', /Tokens: /);
    assert.equal(api.statusBarText(), '$(rocket) AppGen');

    const appDir = join(workspaceFolder().uri.fsPath, ...done.appPath.split('/'));
    assert.ok(done.files && done.files.length > 0, 'the job lists no files');
    for (const file of done.files) assert.ok(existsSync(join(appDir, file)), `${file} was not written`);
  });

  it('authenticates the model calls with the key from secret storage', async () => {
    const simulator = await sharedSimulator();
    const chats = simulator.chatRequests;
    assert.ok(chats.length > 0, 'no model call reached the simulator');
    for (const request of chats) assert.equal(request.headers.authorization, `Bearer ${TEST_API_KEY}`);
  });

  it("opens the app's main file when its item is clicked", async () => {
    const api = await extensionApi();
    const job = api
      .jobs()
      .find((candidate) => candidate.model === 'sim/beta' && candidate.status === 'succeeded');
    assert.ok(job);
    const item = treeItemOf(api, job.id);
    assert.equal(item?.contextValue, 'job:succeeded:raw');
    const opened = await vscode.commands.executeCommand<vscode.Uri>('appgen.openApp', { jobId: job.id });
    assert.ok(opened?.fsPath.endsWith(join(...job.appPath.split('/'), 'backend', 'app.py')));
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, opened.fsPath);
  });

  it("opens the raw response of the job's model call from its artifacts", async () => {
    const api = await extensionApi();
    const job = api
      .jobs()
      .find((candidate) => candidate.model === 'sim/beta' && candidate.status === 'succeeded');
    assert.ok(job);
    const opened = await vscode.commands.executeCommand<vscode.Uri>('appgen.showRawResponse', {
      jobId: job.id,
      component: 'frontend',
    });
    assert.ok(opened, 'no response file was opened');
    assert.match(opened.fsPath, /\.appgen[\\/]artifacts[\\/]sim_beta[\\/]app\d+[\\/].*frontend.*response/);
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.ok(text.length > 0, 'the response file is empty');
    assert.ok(!text.includes(TEST_API_KEY), 'the raw response holds the key');
  });

  it('groups finished jobs under the single generations of the folder', async () => {
    const api = await extensionApi();
    const group = api.tree().find((item) => item.label === 'Single generations');
    assert.ok(group, 'no group of single generations');
    assert.ok(
      group.children.some((child) => child.label === 'sim/beta · app1' || child.label.startsWith('sim/beta')),
    );
  });

  it('lists the workspace template files it skipped below the templates, and starts nothing when closed', async () => {
    const api = await extensionApi();
    const file = join(workspaceFolder().uri.fsPath, '.appgen', 'templates', 'broken-one.json');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '{"slug": "broken_one", "name": ');
    const before = api.jobs().length;
    let shown: PickerSnapshot | undefined;
    const subscription = api.onDidShowPicker((snapshot) => {
      if (snapshot.picker === 'templates') shown = snapshot;
    });
    try {
      const command = vscode.commands.executeCommand<Job[] | undefined>('appgen.generateApp');
      const picker = await waitFor(api.onDidShowPicker, () => shown, 'the template picker to open');
      assert.ok(picker.items.includes('crud_todo_list'), picker.items.join());
      assert.equal(picker.items.at(-1), '.appgen/templates/broken-one.json');
      assert.ok(!picker.items.includes('broken_one'));
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      assert.equal(await command, undefined);
      assert.equal(api.jobs().length, before);
    } finally {
      subscription.dispose();
      rmSync(file);
    }
  });
});
