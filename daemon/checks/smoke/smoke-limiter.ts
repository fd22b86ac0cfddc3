/**
 * The line smoke checks wait in, apart from the generation queue: each check runs a Python
 * process, so by default as many run at once as the machine has cores.
 */
import { availableParallelism } from 'node:os';
import PQueue from 'p-queue';

export interface SmokeLimiter {
  readonly concurrency: number;
  /** Runs `task` when a place is free; resolves or rejects as the task does. */
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createSmokeLimiter(concurrency = availableParallelism()): SmokeLimiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`A smoke check concurrency must be a positive integer, got ${concurrency}`);
  }
  const queue = new PQueue({ concurrency });
  return {
    concurrency,
    run: <T>(task: () => Promise<T>) => queue.add(task) as Promise<T>,
  };
}
