import * as assert from 'node:assert/strict';
import { statusBarText } from '../../../extension/status-bar-text';

describe('statusBarText', () => {
  it('shows a resting icon when nothing runs', () => {
    assert.equal(statusBarText(0, 0), '$(rocket) AppGen');
  });

  it('spins and counts running and queued jobs', () => {
    assert.equal(statusBarText(2, 3), '$(sync~spin) AppGen: 2 running, 3 queued');
    assert.equal(statusBarText(0, 1), '$(sync~spin) AppGen: 1 queued');
  });
});

describe('statusBarText while paused', () => {
  it('shows a pause sign and the 402, not a spinner, with the jobs that wait', () => {
    const reason = 'OpenRouter reports insufficient credits (HTTP 402): waiting jobs are paused, not failed.';
    assert.equal(statusBarText(0, 3, reason), '$(debug-pause) AppGen: paused (402), 3 waiting');
    assert.equal(statusBarText(0, 0, 'paused by the user'), '$(debug-pause) AppGen: paused');
    const keyless = 'No OpenRouter API key is set, so waiting jobs are paused, not started.';
    assert.equal(statusBarText(0, 2, keyless), '$(debug-pause) AppGen: paused (no key), 2 waiting');
  });
});
