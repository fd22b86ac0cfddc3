import assert from 'node:assert/strict';
import { BatchTally } from '../../../daemon/batch/batch-tally';
import { usageCostUsd } from '../../../daemon/batch/usage-cost';
import type { Job } from '../../../shared/job';

const PRICES = { promptPrice: 0.000001, completionPrice: 0.000002 };

describe('usageCostUsd', () => {
  it("uses the server's reported cost when there is one, whatever the prices", () => {
    assert.equal(usageCostUsd({ promptTokens: 1000, completionTokens: 500, costUsd: 0.25 }, PRICES), 0.25);
    assert.equal(usageCostUsd({ promptTokens: 1000, completionTokens: 500, costUsd: 0 }, PRICES), 0);
  });

  it('prices prompt and completion tokens at the listed prices when no cost was reported', () => {
    const cost = usageCostUsd({ promptTokens: 3000, completionTokens: 2000 }, PRICES);
    assert.ok(Math.abs(cost! - (3000 * 0.000001 + 2000 * 0.000002)) < 1e-12, String(cost));
    assert.equal(
      usageCostUsd({ promptTokens: 3000, completionTokens: 2000 }, { promptPrice: 0, completionPrice: 0 }),
      0,
    );
  });

  it('is undefined without usage, or without a cost and a complete price', () => {
    assert.equal(usageCostUsd(undefined, PRICES), undefined);
    const usage = { promptTokens: 10, completionTokens: 10 };
    assert.equal(usageCostUsd(usage, undefined), undefined);
    assert.equal(usageCostUsd(usage, { promptPrice: 0.000001 }), undefined);
    assert.equal(usageCostUsd(usage, { completionPrice: 0.000001 }), undefined);
  });
});

describe('BatchTally costs', () => {
  const job = (id: string, usage?: Job['usage']): Job => ({
    id,
    templateSlug: 'quiz_app',
    model: 'x/y',
    modelSlug: 'x_y',
    appNum: 1,
    appPath: 'generated/apps/x_y/app1',
    status: 'running',
    attempts: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...(usage ? { usage } : {}),
  });

  it('takes out exactly what a job was counted at, even after the prices changed', () => {
    let price = 0.001;
    const tally = new BatchTally([], (j) => (j.usage?.promptTokens ?? 0) * price);
    tally.set(job('a', { promptTokens: 10, completionTokens: 0 }));
    price = 0.002;
    tally.set(job('a', { promptTokens: 20, completionTokens: 0 }));
    assert.ok(Math.abs(tally.costUsd - 0.04) < 1e-12, String(tally.costUsd));
  });

  it('costs every job again on recost', () => {
    let price = 0;
    const tally = new BatchTally(
      [
        job('a', { promptTokens: 10, completionTokens: 0 }),
        job('b', { promptTokens: 5, completionTokens: 0 }),
      ],
      (j) => (j.usage?.promptTokens ?? 0) * price,
    );
    assert.equal(tally.costUsd, 0);
    price = 0.01;
    tally.recost();
    assert.ok(Math.abs(tally.costUsd - 0.15) < 1e-12, String(tally.costUsd));
  });

  it("counts the server's cost by default", () => {
    const tally = new BatchTally([
      job('a', { promptTokens: 1, completionTokens: 1, costUsd: 0.5 }),
      job('b'),
    ]);
    assert.equal(tally.costUsd, 0.5);
  });
});
