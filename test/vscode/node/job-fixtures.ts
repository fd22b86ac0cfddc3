/** Jobs for the pure-module tests. */
import type { Job } from '../../../shared/job';

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
