import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { loadSqlJs } from '../../../daemon/history/load-sql-js';
import type { SaveTimers } from '../../../daemon/history/save-scheduler';
import type { Job } from '../../../shared/job';

/** Where sql.js keeps its wasm when running from source. */
export const WASM_PATH = join(dirname(require.resolve('sql.js')), 'sql-wasm.wasm');

let engine: Promise<SqlJsStatic> | undefined;

/** One engine for the whole run: compiling the wasm for every test would only slow them down. */
export function sqlJs(): Promise<SqlJsStatic> {
  engine ??= loadSqlJs(WASM_PATH);
  return engine;
}

/** A fresh temporary folder and a function that removes it. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'appgen-history-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

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

/** Timers that fire only when the test says so. */
export class FakeTimers implements SaveTimers {
  private next = 1;
  private readonly pending = new Map<number, { callback: () => void; ms: number }>();

  setTimeout(callback: () => void, ms: number): number {
    const handle = this.next++;
    this.pending.set(handle, { callback, ms });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** How many timers are armed. */
  get armed(): number {
    return this.pending.size;
  }

  /** The delays of the armed timers. */
  get delays(): number[] {
    return [...this.pending.values()].map((timer) => timer.ms);
  }

  /** Fires every armed timer once. */
  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const timer of due) timer.callback();
  }
}

/** A promise with its resolve function outside, to hold an operation until the test releases it. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
