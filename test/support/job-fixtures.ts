/** Jobs as the daemon records them, for tests of the modules that store, show or count jobs. */
import type { Job } from '../../shared/job';

/** A job with only the required fields. */
export function minimalJob(overrides: Partial<Job> = {}): Job {
  return {
    id: 'job-1',
    templateSlug: 'crud_todo_list',
    model: 'openai/gpt-4o',
    modelSlug: 'openai_gpt-4o',
    appNum: 1,
    appPath: 'generated/apps/openai_gpt-4o/app1',
    status: 'queued',
    attempts: 0,
    createdAt: '2025-02-09T10:00:00.000Z',
    ...overrides,
  };
}

/** A job with every field the contract and its extensions define. */
export function fullJob(overrides: Partial<Job> = {}): Job {
  return minimalJob({
    id: 'job-full',
    batchId: 'batch-7',
    status: 'failed',
    phase: 'frontend',
    attempts: 3,
    error: { code: 'rate_limited', message: 'Too many requests', status: 429 },
    files: ['backend/app.py', 'frontend/src/App.jsx'],
    usage: { promptTokens: 1200, completionTokens: 3400, costUsd: 0.0123 },
    startedAt: '2025-02-09T10:00:01.250Z',
    finishedAt: '2025-02-09T10:02:03.999Z',
    priority: 5,
    components: ['backend', 'frontend'],
    options: { temperature: 0.2, maxTokens: 16000 },
    retryAt: '2025-02-09T10:03:00.000Z',
    previousVersionPath: '.appgen/previous/openai_gpt-4o/app1',
    artifactsPath: '.appgen/artifacts/openai_gpt-4o/app1',
    generationIds: ['gen-1', 'gen-2'],
    provider: 'OpenAI',
    retryOf: 'job-0',
    ...overrides,
  });
}
