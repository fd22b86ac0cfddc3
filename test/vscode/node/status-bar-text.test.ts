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
