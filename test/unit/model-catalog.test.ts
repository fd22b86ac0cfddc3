import assert from 'node:assert/strict';
import { mock } from 'node:test';
import { DEFAULT_MODEL_CATALOG_LIMITS, MODEL_LIST_TTL_MS, ModelCatalog } from '../../daemon/model-catalog';
import type { ModelInfo } from '../../shared/protocol';

describe('ModelCatalog', () => {
  const models: ModelInfo[] = [{ id: 'a/b', name: 'A B', promptPrice: 0.000001, completionPrice: 0.000002 }];

  function setup() {
    let now = 0;
    let fetches = 0;
    let baseUrl = 'http://127.0.0.1:1/api/v1';
    const catalog = new ModelCatalog(
      async () => {
        fetches++;
        return models;
      },
      () => baseUrl,
      () => now,
    );
    return {
      catalog,
      fetches: () => fetches,
      advance: (ms: number) => {
        now += ms;
      },
      setBaseUrl: (url: string) => {
        baseUrl = url;
      },
    };
  }

  it('fetches once and serves the cache while it is fresh', async () => {
    const { catalog, fetches } = setup();
    assert.deepEqual(await catalog.list(), models);
    await Promise.all([catalog.list(), catalog.list()]);
    assert.equal(fetches(), 1);
  });

  it('fetches again when the cache is stale, on refresh, or for another server', async () => {
    const { catalog, fetches, advance, setBaseUrl } = setup();
    await catalog.list();
    advance(MODEL_LIST_TTL_MS + 1);
    await catalog.list();
    assert.equal(fetches(), 2);
    await catalog.list(true);
    assert.equal(fetches(), 3);
    setBaseUrl('http://127.0.0.1:2/api/v1');
    await catalog.list();
    assert.equal(fetches(), 4);
  });

  it('shares one request between concurrent callers and does not cache a failure', async () => {
    let calls = 0;
    const catalog = new ModelCatalog(
      async () => {
        calls++;
        if (calls === 1) throw new Error('network down');
        return models;
      },
      () => 'x',
    );
    await assert.rejects(Promise.all([catalog.list(), catalog.list()]), /network down/);
    assert.equal(calls, 1);
    assert.deepEqual(await catalog.list(), models);
    assert.equal(calls, 2);
  });

  it('knows prices only from the cached list', async () => {
    const { catalog } = setup();
    assert.equal(catalog.pricesOf('a/b'), undefined);
    await catalog.list();
    assert.equal(catalog.pricesOf('a/b')?.promptPrice, 0.000001);
    assert.equal(catalog.pricesOf('x/y'), undefined);
  });

  describe('namesToCheck', () => {
    const { checkWaitMs, unavailableMemoryMs, recheckAfterMs } = DEFAULT_MODEL_CATALOG_LIMITS;

    /** A catalog whose fetches are answered by `answer`, on a clock the test moves. */
    function checking(answer: (call: number, signal: AbortSignal) => Promise<ModelInfo[]>) {
      let now = 0;
      let calls = 0;
      const catalog = new ModelCatalog(
        (signal) => answer(++calls, signal),
        () => 'http://127.0.0.1:1/api/v1',
        () => now,
      );
      return {
        catalog,
        calls: () => calls,
        advance: (ms: number) => {
          now += ms;
        },
      };
    }

    afterEach(() => {
      mock.timers.reset();
    });

    it('gives the listed ids and slugs, from one fetch that has a time limit', async () => {
      let signal: AbortSignal | undefined;
      const { catalog, calls } = checking(async (_call, given) => {
        signal = given;
        return models;
      });
      const names = await catalog.namesToCheck('a/b');
      assert.ok(names?.ids.has('a/b'));
      assert.deepEqual(names?.bySlug.get('a_b'), ['a/b']);
      assert.ok(signal instanceof AbortSignal && !signal.aborted, 'the fetch can be aborted');
      await catalog.namesToCheck('a_b');
      await catalog.list();
      assert.equal(calls(), 1, 'checks and list share the cache');
    });

    it('gives nothing when the list cannot be read, and does not ask again for a while', async () => {
      const { catalog, calls, advance } = checking(async (call) => {
        if (call === 1) throw new Error('HTTP 404');
        return models;
      });
      assert.equal(await catalog.namesToCheck('x/y'), undefined);
      assert.equal(await catalog.namesToCheck('x/z'), undefined);
      assert.equal(calls(), 1, 'a batch of checks costs one failed request');
      advance(unavailableMemoryMs);
      assert.ok((await catalog.namesToCheck('x/y'))?.ids.has('a/b'), 'asked again after a while');
      assert.equal(calls(), 2);
    });

    it('gives nothing for an empty list, which would refuse every model', async () => {
      const { catalog } = checking(async () => []);
      assert.equal(await catalog.namesToCheck('x/y'), undefined);
    });

    it('stops waiting for a slow list after checkWaitMs, and uses it once it has come', async () => {
      mock.timers.enable({ apis: ['setTimeout'] });
      let deliver: (list: ModelInfo[]) => void = () => {};
      const { catalog, calls } = checking(
        () =>
          new Promise((resolve) => {
            deliver = resolve;
          }),
      );
      let settled = false;
      const check = catalog.namesToCheck('a/b').finally(() => {
        settled = true;
      });
      await Promise.resolve();
      mock.timers.tick(checkWaitMs - 1);
      await Promise.resolve();
      assert.equal(settled, false, 'still waiting just before the limit');
      mock.timers.tick(1);
      assert.equal(await check, undefined);
      assert.equal(await catalog.namesToCheck('a/b'), undefined, 'no second wait right after');
      deliver(models);
      await catalog.list(); // joins the request still under way
      assert.ok((await catalog.namesToCheck('a/b'))?.ids.has('a/b'));
      assert.equal(calls(), 1);
    });

    it('fetches again for a missing name once the cached list is a while old, at most that often', async () => {
      const { catalog, calls, advance } = checking(async (call) =>
        call === 1 ? models : [...models, { id: 'new/model', name: 'New' }],
      );
      await catalog.namesToCheck('a/b');
      assert.equal((await catalog.namesToCheck('new/model'))?.ids.has('new/model'), false);
      assert.equal(calls(), 1, 'a fresh list is trusted');
      advance(recheckAfterMs);
      assert.equal(
        (await catalog.namesToCheck('a/b'))?.ids.has('new/model'),
        false,
        'a listed name asks nothing',
      );
      assert.equal(calls(), 1);
      assert.equal((await catalog.namesToCheck('new/model'))?.ids.has('new/model'), true);
      assert.equal(calls(), 2);
    });

    it('keeps checking against the cached list when a fetch for a missing name fails', async () => {
      const { catalog, advance } = checking(async (call) => {
        if (call === 2) throw new Error('network down');
        return models;
      });
      await catalog.namesToCheck('a/b');
      advance(recheckAfterMs);
      assert.ok((await catalog.namesToCheck('x/y'))?.ids.has('a/b'));
    });
  });
});
