import assert from 'node:assert/strict';
import { cachedCatalog } from '../../../daemon/templates/cached-catalog';

describe('cachedCatalog', () => {
  it('reads once within the time to live and again after it', async () => {
    let now = 0;
    let loads = 0;
    const catalog = cachedCatalog(
      async () => ++loads,
      () => now,
      1000,
    );
    assert.equal(await catalog(), 1);
    now = 999;
    assert.equal(await catalog(), 1);
    now = 1000;
    assert.equal(await catalog(), 2);
  });

  it('does not keep a failed read', async () => {
    let loads = 0;
    const catalog = cachedCatalog(
      async () => {
        loads++;
        if (loads === 1) throw new Error('disk error');
        return 'ok';
      },
      () => 0,
    );
    await assert.rejects(catalog(), /disk error/);
    assert.equal(await catalog(), 'ok');
  });
});
