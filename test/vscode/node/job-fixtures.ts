/** Jobs and batch progress for the pure-module tests. */
import type { Job } from '../../../shared/job';
import type { BatchProgress } from '../../../shared/protocol';

export function makeJob(overrides: Partial<Job> & Pick<Job, 'id'>): Job {
  return {
    templateSlug: 'crud_todo_list',
    model: 'openai/gpt-4o',
    modelSlug: 'openai_gpt-4o',
    appNum: 1,
    appPath: 'generated/apps/openai_gpt-4o/app1',
    status: 'succeeded',
    attempts: 2,
    createdAt: '2025-02-09T10:00:00.000Z',
    ...overrides,
  };
}

/** 13 of 40 done (12 succeeded, 1 failed), 4 running, 23 queued, $0.42 so far. */
export function progressOf(overrides: Partial<BatchProgress> = {}): BatchProgress {
  return {
    batchId: 'b1',
    total: 40,
    queued: 23,
    running: 4,
    succeeded: 12,
    failed: 1,
    cancelled: 0,
    costUsd: 0.42,
    finished: false,
    ...overrides,
  };
}
