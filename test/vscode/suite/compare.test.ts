import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CompareData } from '../../../extension/compare/compare-model';
import type { Job } from '../../../shared/job';
import type { BatchStartResult } from '../../../shared/protocol';
import { extensionApi, sharedSimulator, treeItemOf, waitFor, workspaceFolder } from './helpers';

describe('Compare', () => {
  let batch: BatchStartResult;

  before(async () => {
    const api = await extensionApi();
    await sharedSimulator();
    writeFileSync(
      join(workspaceFolder().uri.fsPath, 'appgen.batch.json'),
      '{"models": ["sim/alpha", "sim/beta"], "templates": ["api_url_shortener"], "repeat": 1}',
    );
    const result = await vscode.commands.executeCommand<BatchStartResult>('appgen.runBatch', {
      configPath: 'appgen.batch.json',
      confirm: false,
    });
    assert.ok(result, 'appgen.runBatch returned nothing');
    batch = result;
    const ids = new Set(batch.jobs.map((job) => job.id));
    await waitFor(
      api.onDidChangeJobs,
      () => {
        const jobs = api.jobs().filter((job) => ids.has(job.id));
        return jobs.length === 2 && jobs.every((job) => job.status === 'succeeded') ? true : undefined;
      },
      'both batch jobs to succeed',
    );
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("opens a panel laying the batch out as templates x models, with each model's summary", async () => {
    const data = await vscode.commands.executeCommand<CompareData>('appgen.compare', {
      batchId: batch.batchId,
    });
    assert.ok(data, 'appgen.compare returned nothing');
    assert.deepEqual(data.templates, ['api_url_shortener']);
    assert.deepEqual(data.models, ['sim/alpha', 'sim/beta']);
    assert.equal(data.cells.length, 2);
    for (const cell of data.cells) assert.equal(cell.runs[0]?.status, 'succeeded');
    assert.deepEqual(
      data.summaries.map((summary) => [summary.model, summary.successRate]),
      [
        ['sim/alpha', 1],
        ['sim/beta', 1],
      ],
    );
    // The tab appears once the workbench has made the panel, a moment after the command returns.
    await waitFor(
      vscode.window.tabGroups.onDidChangeTabs,
      () =>
        vscode.window.tabGroups.all
          .flatMap((group) => group.tabs)
          .find((tab) => tab.label.startsWith('Compare: batch')),
      'the comparison panel to open',
    );
  });

  it("compares a batch from its report's editor button", async () => {
    const report = vscode.Uri.joinPath(workspaceFolder().uri, '.appgen', 'reports', `${batch.batchId}.md`);
    const data = await vscode.commands.executeCommand<CompareData>('appgen.compare', report);
    assert.deepEqual(data?.models, ['sim/alpha', 'sim/beta'], 'the batch of that report');
    const extension = vscode.extensions.getExtension('appgen.appgen');
    assert.ok(extension);
    const manifest = extension.packageJSON as {
      contributes: { menus: Record<string, Array<{ command: string; when?: string }>> };
    };
    const menus = manifest.contributes.menus['editor/title'];
    const when = menus?.find((item) => item.command === 'appgen.compare')?.when ?? '';
    const pattern = /^resourcePath =~ \/(.*)\/$/.exec(when)?.[1];
    assert.ok(pattern, 'the report editor has a Compare button');
    assert.ok(new RegExp(pattern).test(report.fsPath), 'shown on the report');
    assert.ok(!new RegExp(pattern).test(join(workspaceFolder().uri.fsPath, 'README.md')), 'not elsewhere');
  });

  it('opens the diff editor on the same file of two apps', async () => {
    const [a, b] = batch.jobs;
    const file = await vscode.commands.executeCommand<string>('appgen.compareDiff', {
      jobIds: [a!.id, b!.id],
      file: 'backend/app.py',
    });
    assert.equal(file, 'backend/app.py');
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(input instanceof vscode.TabInputTextDiff, 'the active editor is not a diff');
    assert.ok(input.original.fsPath.endsWith(join(...a!.appPath.split('/'), 'backend', 'app.py')));
    assert.ok(input.modified.fsPath.endsWith(join(...b!.appPath.split('/'), 'backend', 'app.py')));
  });

  it("checks an app on request and shows the check's verdict in the tree", async () => {
    const api = await extensionApi();
    const job = batch.jobs[0]!;
    const started = await vscode.commands.executeCommand<Job>('appgen.checkApp', {
      jobId: job.id,
      levels: ['static'],
    });
    assert.ok(started, 'appgen.checkApp returned nothing');
    const checked = await waitFor(
      api.onDidChangeJobs,
      () => {
        const current = api.jobs().find((candidate) => candidate.id === job.id);
        return current?.check && current.check.verdict !== 'running' ? current : undefined;
      },
      'the check to end',
    );
    assert.match(checked.check?.verdict ?? '', /^(passed|partial|failed|skipped)$/);
    const item = treeItemOf(api, job.id);
    assert.match(item?.description ?? '', /check (passed|partial|failed|skipped)/);
  });

  it("exports the batch's jobs as JSON, one row per job", async () => {
    const path = join(workspaceFolder().uri.fsPath, 'results.json');
    await vscode.commands.executeCommand('appgen.exportResults', {
      batchId: batch.batchId,
      format: 'json',
      path,
    });
    const exported = JSON.parse(readFileSync(path, 'utf8'));
    assert.equal(exported.jobs.length, 2);
    assert.deepEqual(exported.jobs.map((row: { model: string }) => row.model).sort(), [
      'sim/alpha',
      'sim/beta',
    ]);
    assert.equal(exported.columns[0], 'model');
  });
});
