import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AppVersion } from '../../../extension/commands/version-commands';
import type { Job } from '../../../shared/job';
import { extensionApi, generate, sharedSimulator, waitForJob } from './helpers';

describe('Generating over an app of another template', () => {
  it('replaces it only when told to, and lists the replaced version with its template and time', async () => {
    const api = await extensionApi();
    await sharedSimulator();
    const [first] = await generate('crud_todo_list', ['sim/beta']);
    assert.equal((await waitForJob(api, first!.id, ['succeeded', 'failed'])).status, 'succeeded');
    const before = api.jobs().length;

    const declined = await vscode.commands.executeCommand<Job[] | undefined>('appgen.generateApp', {
      templateSlug: 'quiz_app',
      models: ['sim/beta'],
      appNum: first!.appNum,
      replaceTemplate: false,
    });
    assert.equal(declined, undefined, 'nothing started');
    assert.equal(api.jobs().length, before);

    const [replacing] =
      (await vscode.commands.executeCommand<Job[] | undefined>('appgen.generateApp', {
        templateSlug: 'quiz_app',
        models: ['sim/beta'],
        appNum: first!.appNum,
        replaceTemplate: true,
      })) ?? [];
    assert.ok(replacing);
    assert.equal((await waitForJob(api, replacing.id, ['succeeded', 'failed'])).status, 'succeeded');

    const versions = await vscode.commands.executeCommand<AppVersion[]>('appgen.showPreviousVersions', {
      jobId: replacing.id,
      pick: false,
    });
    assert.equal(versions?.length, 1);
    assert.equal(versions[0]!.template, 'crud_todo_list');
    assert.equal(versions[0]!.jobId, first!.id);
    assert.match(versions[0]!.replacedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(versions[0]!.replacedAt >= first!.createdAt);
  });
});
