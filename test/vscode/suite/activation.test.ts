import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, extensionApi, sharedSimulator } from './helpers';

describe('activation and contributions', () => {
  it('is not active before any AppGen command or view is used', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, 'extension missing');
    assert.equal(extension.isActive, false);
  });

  it('activating starts no daemon until a feature needs one', async () => {
    await sharedSimulator();
    await vscode.commands.executeCommand('appgen.showLogs');
    const api = await extensionApi();
    assert.deepEqual(
      api.daemons().filter((daemon) => daemon.state !== 'stopped'),
      [],
    );
    assert.equal(api.statusBarText(), '$(rocket) AppGen');
    // A figure for the benchmark table, not a timed assertion.
    console.log(`extension activation took ${api.activationMs.toFixed(1)} ms`);
  });

  it('registers every command package.json contributes, and contributes every command it registers', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const manifest = JSON.parse(readFileSync(join(extension.extensionPath, 'package.json'), 'utf8'));
    const contributed = (manifest.contributes.commands as { command: string }[])
      .map((entry) => entry.command)
      .sort();
    const registered = (await vscode.commands.getCommands(true))
      .filter((id) => id.startsWith('appgen.'))
      .sort();
    // VS Code itself registers `<view id>.focus` and friends for every contributed view.
    const own = registered.filter((id) => !id.startsWith('appgen.jobs.'));
    assert.deepEqual(own, contributed);
  });

  it('titles every command "AppGen: ..." in the palette', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    for (const entry of manifest.contributes.commands as {
      command: string;
      title: string;
      category?: string;
    }[]) {
      assert.equal(entry.category, 'AppGen', `${entry.command} has no AppGen category`);
      assert.ok(entry.title.length > 0);
    }
  });

  it('ships the batch schema that validates appgen.batch.json', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const [validation] = extension.packageJSON.contributes.jsonValidation as {
      fileMatch: string;
      url: string;
    }[];
    assert.equal(validation?.fileMatch, 'appgen.batch.json');
    const schema = JSON.parse(readFileSync(join(extension.extensionPath, validation!.url), 'utf8'));
    assert.deepEqual(schema.required, ['models', 'templates']);
  });
});
