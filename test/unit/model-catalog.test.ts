import assert from 'node:assert/strict';
import { MODEL_LIST_TTL_MS, ModelCatalog } from '../../daemon/model-catalog';
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
});
