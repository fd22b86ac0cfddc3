import * as assert from 'node:assert/strict';
import { batchContextValue, buildTree, type TreeNode } from '../../../extension/tree-model';
import { makeJob } from './job-fixtures';

type Group = Extract<TreeNode, { kind: 'group' }>;
const labels = (nodes: TreeNode[]): string[] =>
  nodes.map((node) => (node.kind === 'job' ? `job:${node.job.id}` : node.label));
const group = (nodes: TreeNode[], label: string): Group => {
  const found = nodes.find((node) => node.kind === 'group' && node.label === label);
  assert.ok(found, `no group ${label} in ${labels(nodes).join(', ')}`);
  return found as Group;
};

const now = new Date('2025-01-01T00:10:00Z');
const batchJob = (id: string, status: 'queued' | 'running' | 'succeeded' | 'failed', extra = {}) =>
  makeJob({
    id,
    status,
    batchId: 'batch-one-0000',
    createdAt: '2025-01-01T00:00:00Z',
    appPath: `generated/apps/openai_gpt-4o/${id}`,
    ...extra,
  });

describe('tree model: following batches', () => {
  const jobs = [
    batchJob('ok', 'succeeded', {
      startedAt: '2025-01-01T00:00:01Z',
      finishedAt: '2025-01-01T00:01:01Z',
      usage: { promptTokens: 1, completionTokens: 1, costUsd: 0.25 },
    }),
    batchJob('bad', 'failed', { startedAt: '2025-01-01T00:00:01Z', finishedAt: '2025-01-01T00:00:31Z' }),
    batchJob('run', 'running', { startedAt: '2025-01-01T00:05:00Z' }),
    batchJob('wait', 'queued'),
    makeJob({ id: 'single', status: 'running', createdAt: '2025-01-01T00:02:00Z' }),
  ];

  it("keeps a batch's queued and running jobs in its row, with counts, cost so far and elapsed time", () => {
    const tree = buildTree([{ key: 'f', name: 'ws', jobs }], 'batch', now);
    assert.deepEqual(labels(tree), ['job:single', 'Batch batch-on']);
    const batch = group(tree, 'Batch batch-on');
    assert.deepEqual(labels(batch.children), ['job:run', 'job:wait', 'job:ok', 'job:bad']);
    assert.equal(batch.description, '4 jobs, 1 ok, 1 failed, 1 running, 1 queued · $0.25 · 10 min');
    assert.deepEqual(batch.batch, {
      batchId: 'batch-one-0000',
      folderKey: 'f',
      active: true,
      retryable: true,
    });
    assert.equal(batchContextValue(batch.batch!), 'batch:active:retryable');
  });

  it('keeps the batch row in place when a job of an older batch is retried', () => {
    const older = [
      makeJob({ id: 'o1', status: 'failed', batchId: 'batch-old-0000', createdAt: '2024-12-31T00:00:00Z' }),
    ];
    const newer = [
      makeJob({
        id: 'n1',
        status: 'succeeded',
        batchId: 'batch-new-0000',
        createdAt: '2025-01-01T00:00:00Z',
      }),
    ];
    const before = labels(buildTree([{ key: 'f', name: 'ws', jobs: [...older, ...newer] }], 'batch', now));
    const retry = makeJob({
      id: 'o1-retry',
      status: 'queued',
      batchId: 'batch-old-0000',
      createdAt: '2025-01-01T00:09:00Z',
    });
    const tree = buildTree([{ key: 'f', name: 'ws', jobs: [...older, ...newer, retry] }], 'batch', now);
    assert.deepEqual(labels(tree), before);
    assert.deepEqual(labels(group(tree, 'Batch batch-ol').children), ['job:o1-retry', 'job:o1']);
  });

  it('offers Retry Failed only while an app of the batch has no later success', () => {
    const failed = makeJob({ id: 'a', status: 'failed', batchId: 'b', createdAt: '2025-01-01T00:00:00Z' });
    const fixed = makeJob({ id: 'b', status: 'succeeded', batchId: 'b', createdAt: '2025-01-01T00:01:00Z' });
    const row = (list: typeof jobs) =>
      group(buildTree([{ key: 'f', name: 'ws', jobs: list }], 'batch', now), 'Batch b');
    assert.equal(batchContextValue(row([failed]).batch!), 'batch:finished:retryable');
    assert.equal(batchContextValue(row([failed, fixed]).batch!), 'batch:finished');
  });

  it('groups a batch by template, then by model, when asked to', () => {
    const list = [
      batchJob('t1', 'succeeded', { templateSlug: 'quiz_app', model: 'sim/b' }),
      batchJob('t2', 'succeeded', { templateSlug: 'quiz_app', model: 'sim/a' }),
      batchJob('t3', 'failed', { templateSlug: 'crud_todo_list', model: 'sim/a' }),
    ];
    const tree = buildTree([{ key: 'f', name: 'ws', jobs: list }], 'template', now);
    const batch = group(tree, 'Batch batch-on');
    assert.deepEqual(labels(batch.children), ['crud_todo_list', 'quiz_app']);
    const quiz = group(batch.children, 'quiz_app');
    assert.deepEqual(labels(quiz.children), ['sim/a', 'sim/b']);
    assert.deepEqual(labels(group(quiz.children, 'sim/b').children), ['job:t1']);
  });
});
