import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'jsonc-parser';
import * as vscode from 'vscode';
import type { BatchStartResult } from '../../../shared/protocol';
import { extensionApi, waitFor, workspaceFolder } from './helpers';

describe('Run Batch', () => {
  it('creates an example batch file with the default models, and keeps an existing one', async () => {
    const file = join(workspaceFolder().uri.fsPath, 'appgen.batch.json');
    rmSync(file, { force: true });
    const created = await vscode.commands.executeCommand<vscode.Uri>('appgen.createBatchFile');
    assert.equal(created?.fsPath, file);
    const batch = parse(readFileSync(file, 'utf8'));
    const defaults = vscode.workspace.getConfiguration('appgen').get<string[]>('defaultModels');
    assert.deepEqual(batch.models, defaults);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file);
    writeFileSync(file, '{"models": ["kept"], "templates": "all"}');
    await vscode.commands.executeCommand('appgen.createBatchFile');
    assert.equal(readFileSync(file, 'utf8'), '{"models": ["kept"], "templates": "all"}');
  });

  it('starts every job of a batch file and groups them under the batch when done', async () => {
    const api = await extensionApi();
    writeFileSync(
      join(workspaceFolder().uri.fsPath, 'appgen.batch.json'),
      `{
  // two apps of one template by one model
  "models": ["sim/beta"],
  "templates": ["api_url_shortener"],
  "repeat": 2,
}
`,
    );
    const result = await vscode.commands.executeCommand<BatchStartResult>('appgen.runBatch', {
      configPath: 'appgen.batch.json',
      confirm: false,
    });
    assert.ok(result, 'appgen.runBatch returned nothing');
    assert.equal(result.jobs.length, 2);
    const ids = new Set(result.jobs.map((job) => job.id));
    await waitFor(
      api.onDidChangeJobs,
      () => {
        const jobs = api.jobs().filter((job) => ids.has(job.id));
        return jobs.length === 2 && jobs.every((job) => job.status === 'succeeded') ? true : undefined;
      },
      'both batch jobs to succeed',
    );
    const group = api.tree().find((item) => item.label === `Batch ${result.batchId.slice(0, 8)}`);
    assert.ok(group, 'no tree group for the batch');
    assert.deepEqual(new Set(group.children.map((child) => child.jobId)), ids);
    assert.match(group.description ?? '', /^2 jobs, 2 ok/);

    // The daemon writes the report once the batch has ended; Open Batch Report shows it.
    const report = join(workspaceFolder().uri.fsPath, '.appgen', 'reports', `${result.batchId}.md`);
    for (const deadline = Date.now() + 10_000; !existsSync(report) && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const opened = await vscode.commands.executeCommand<vscode.Uri>('appgen.openBatchReport', {
      batchId: result.batchId,
    });
    assert.equal(opened?.fsPath, report);
    assert.match(readFileSync(report, 'utf8'), /\| `sim\/beta` \|/);
  });

  it('refuses an invalid batch file as a whole, naming the problem, and starts nothing', async () => {
    const api = await extensionApi();
    const before = api.jobs().length;
    writeFileSync(
      join(workspaceFolder().uri.fsPath, 'broken.batch.json'),
      '{ "models": [], "templates": "some" }\n',
    );
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand('appgen.runBatch', {
          configPath: 'broken.batch.json',
          confirm: false,
        }),
      ),
      /models|templates/,
    );
    assert.equal(api.jobs().length, before);
  });
  it('completes template slugs in the batch file and puts a squiggle on an unknown one only', async () => {
    const file = join(workspaceFolder().uri.fsPath, 'typo.appgen.batch.json');
    writeFileSync(file, '{\n  "models": ["sim/alpha"],\n  "templates": ["crud_todo_list", "quiz_ap"]\n}\n');
    const uri = vscode.Uri.file(file);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const [problem] = await waitFor(
      vscode.languages.onDidChangeDiagnostics,
      () => {
        const found = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'AppGen');
        return found.length > 0 ? found : undefined;
      },
      'the unknown template to be flagged',
    );
    assert.equal(document.getText(problem!.range), '"quiz_ap"', 'the squiggle is on the value');
    assert.match(problem!.message, /Unknown template "quiz_ap": did you mean "quiz_app"\?/);
    assert.equal(vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'AppGen').length, 1);

    const inside = document.positionAt(document.getText().indexOf('"quiz_ap"') + 1);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      uri,
      inside,
    );
    const labels = list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    for (const slug of ['crud_todo_list', 'quiz_app', 'api_url_shortener'])
      assert.ok(labels.includes(slug), slug);

    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((edit) => edit.replace(problem!.range, '"quiz_app"'));
    await waitFor(
      vscode.languages.onDidChangeDiagnostics,
      () => (vscode.languages.getDiagnostics(uri).some((d) => d.source === 'AppGen') ? undefined : true),
      'the squiggle to go once the slug is right',
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    rmSync(file, { force: true });
  });
});
