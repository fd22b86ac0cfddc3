import * as assert from 'node:assert/strict';
import { extensionApi, updateSetting } from './helpers';

describe('settings', () => {
  it('sends a changed appgen.maxConcurrent to the running daemon without a reload', async () => {
    const api = await extensionApi();
    const pidBefore = (await api.status()).pid;
    await updateSetting(api, 'maxConcurrent', 3);
    const status = await api.status();
    assert.equal(status.queue.maxConcurrent, 3);
    assert.equal(status.pid, pidBefore, 'the daemon was restarted instead of re-initialized');
  });

  it('gives the daemon its own default back when the setting is removed', async () => {
    const api = await extensionApi();
    await updateSetting(api, 'maxConcurrent', undefined);
    assert.equal((await api.status()).queue.maxConcurrent, 4);
  });

  it('turns the queue off through appgen.useQueue', async () => {
    const api = await extensionApi();
    await updateSetting(api, 'useQueue', false);
    assert.equal((await api.status()).queue.enabled, false);
    await updateSetting(api, 'useQueue', undefined);
    assert.equal((await api.status()).queue.enabled, true);
  });
});
