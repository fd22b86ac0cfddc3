import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Job } from '../../../shared/job';
import {
  extensionApi,
  generate,
  sharedSimulator,
  treeItemOf,
  waitForHeldCall,
  waitForJob,
  workspaceFolder,
} from './helpers';

describe('failures and cancellation', () => {
  after(async () => (await sharedSimulator()).resume());

  it("shows a failing model's error in the tree item and its tooltip", async () => {
    const api = await extensionApi();
    const [job] = await generate('crud_todo_list', ['sim/fail-always']);
    const failed = await waitForJob(api, job!.id, ['failed', 'succeeded']);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'upstream');
    const item = treeItemOf(api, job!.id);
    assert.equal(item?.icon, 'error');
    assert.match(item?.description ?? '', /^upstream · crud_todo_list/);
    assert.match(item?.tooltip ?? '', /\*\*Error\*\* upstream \(HTTP 500\)/);
    assert.equal(item?.contextValue, 'job:failed:raw');
  });

  it('retries a failed job as a new job for the same app', async () => {
    const api = await extensionApi();
    const failed = api.jobs().find((job) => job.model === 'sim/fail-always' && job.status === 'failed');
    assert.ok(failed);
    const retried = await vscode.commands.executeCommand<Job>('appgen.retryJob', { jobId: failed.id });
    assert.ok(retried && retried.id !== failed.id);
    assert.equal(retried.appNum, failed.appNum);
    await waitForJob(api, retried.id, ['failed']);
  });

  it('cancels a running job: it ends cancelled and writes no app', async () => {
    const api = await extensionApi();
    const simulator = await sharedSimulator();
    simulator.pause();
    const [job] = await generate('crud_todo_list', ['sim/alpha']);
    await waitForHeldCall(api, simulator, job!.id);
    const result = await vscode.commands.executeCommand<{ cancelled: boolean }>('appgen.cancelJob', {
      jobId: job!.id,
    });
    assert.deepEqual(result, { cancelled: true });
    const cancelled = await waitForJob(api, job!.id, ['cancelled', 'succeeded', 'failed']);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(treeItemOf(api, job!.id)?.icon, 'circle-slash');
    simulator.resume();
    assert.equal(existsSync(join(workspaceFolder().uri.fsPath, ...job!.appPath.split('/'))), false);
  });
});
