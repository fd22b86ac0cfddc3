import * as assert from 'node:assert/strict';
import { activeJobs, buildTree, type TreeNode } from '../../../extension/tree-model';
import { makeJob } from './job-fixtures';

const labels = (nodes: TreeNode[]): string[] =>
  nodes.map((node) => (node.kind === 'job' ? `job:${node.job.id}` : node.label));

describe('tree model', () => {
  const jobs = [
    makeJob({ id: 'q1', status: 'queued', createdAt: '2025-01-01T00:00:03Z' }),
    makeJob({ id: 'r1', status: 'running', createdAt: '2025-01-01T00:00:02Z' }),
    makeJob({
      id: 'b1',
      status: 'succeeded',
      batchId: 'batch-aaaaaaaa-1',
      createdAt: '2025-01-01T00:00:01Z',
    }),
    makeJob({ id: 'b2', status: 'failed', batchId: 'batch-aaaaaaaa-1', createdAt: '2025-01-01T00:00:04Z' }),
    makeJob({
      id: 's1',
      status: 'cancelled',
      model: 'sim/beta',
      appNum: 2,
      createdAt: '2025-01-01T00:00:05Z',
    }),
    makeJob({
      id: 's2',
      status: 'succeeded',
      model: 'sim/beta',
      appNum: 1,
      createdAt: '2025-01-01T00:00:00Z',
    }),
  ];

  it('lists running jobs, then queued ones, oldest first', () => {
    assert.deepEqual(
      activeJobs([...jobs, makeJob({ id: 'r0', status: 'running', createdAt: '2024-12-31T00:00:00Z' })]).map(
        (job) => job.id,
      ),
      ['r0', 'r1', 'q1'],
    );
  });

  it('puts unfinished jobs on top, then batches, then single generations, newest first', () => {
    const tree = buildTree([{ key: 'f', name: 'ws', jobs }], 'batch');
    assert.deepEqual(labels(tree), ['job:r1', 'job:q1', 'Batch batch-aa', 'Single generations']);
    const [, , batch, single] = tree;
    assert.deepEqual(labels((batch as { children: TreeNode[] }).children), ['job:b2', 'job:b1']);
    assert.equal((batch as { description: string }).description, '2 jobs, 1 ok, 1 failed');
    assert.deepEqual(labels((single as { children: TreeNode[] }).children), ['job:s1', 'job:s2']);
  });

  it('groups history by model, then by app number', () => {
    const tree = buildTree([{ key: 'f', name: 'ws', jobs }], 'model');
    assert.deepEqual(labels(tree), ['job:r1', 'job:q1', 'openai/gpt-4o', 'sim/beta']);
    const beta = tree[3] as { children: TreeNode[] };
    assert.deepEqual(labels(beta.children), ['app1', 'app2']);
  });

  it('gives each folder of a multi-root workspace its own node and leaves out unused folders', () => {
    const tree = buildTree(
      [
        { key: 'a', name: 'alpha', jobs },
        { key: 'b', name: 'empty', jobs: [] },
      ],
      'batch',
    );
    assert.deepEqual(labels(tree), ['alpha']);
    assert.equal((tree[0] as { description: string }).description, '2 active');
  });

  it('gives every node an id unique across folders', () => {
    const tree = buildTree(
      [
        { key: 'a', name: 'alpha', jobs },
        { key: 'b', name: 'beta', jobs },
      ],
      'model',
    );
    const ids: string[] = [];
    const walk = (nodes: TreeNode[]) => {
      for (const node of nodes) {
        ids.push(node.id);
        if (node.kind !== 'job') walk(node.children);
      }
    };
    walk(tree);
    assert.equal(new Set(ids).size, ids.length);
  });
});
