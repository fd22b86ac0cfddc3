import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RecordedRequest } from '../../../daemon/simulator/simulator';
import {
  extensionApi,
  generate,
  sharedSimulator,
  treeItemOf,
  waitFor,
  waitForHeldCall,
  waitForJob,
} from './helpers';

describe('daemon crash recovery', () => {
  after(async () => (await sharedSimulator()).resume());

  it('restarts a daemon killed from outside, and the interrupted job finishes in the tree with the key', async () => {
    const api = await extensionApi();
    const simulator = await sharedSimulator();
    simulator.pause();
    const [job] = await generate('crud_todo_list', ['sim/alpha']);
    await waitForHeldCall(api, simulator, job!.id);
    const oldPid = api.daemons()[0]?.pid;
    assert.ok(oldPid, 'no daemon pid');
    // The key reaches a daemon in initialize only (never its environment); the restarted one resumes
    // the job after its first initialize, so the simulator, which demands the key, must see it.
    const served: (string | undefined)[] = [];
    const onRequest = (request: RecordedRequest) => served.push(request.served);
    simulator.on('request', onRequest);
    process.kill(oldPid, 'SIGKILL');

    const restarted = await waitFor(
      api.onDidChangeDaemons,
      () => {
        const daemon = api.daemons()[0];
        return daemon?.state === 'running' && daemon.pid !== undefined && daemon.pid !== oldPid
          ? daemon
          : undefined;
      },
      'the daemon to be restarted',
    );
    assert.notEqual(restarted.pid, oldPid);
    simulator.resume();
    const finished = await waitForJob(api, job!.id, ['succeeded', 'failed', 'cancelled']);
    simulator.off('request', onRequest);
    assert.equal(finished.status, 'succeeded', JSON.stringify(finished.error));
    assert.ok(served.length > 0, 'the restarted daemon made no model call');
    assert.ok(!served.includes('http401'), `calls without the key: ${served.join(', ')}`);
    assert.equal(treeItemOf(api, job!.id)?.icon, 'check');
    assert.equal(api.statusBarText(), '$(rocket) AppGen');
  });

  it('restarts the daemon on request with a new process', async () => {
    const api = await extensionApi();
    const before = (await api.status()).pid;
    await vscode.commands.executeCommand('appgen.restartDaemon');
    const after = (await api.status()).pid;
    assert.notEqual(after, before);
  });
});
