/** How a batch's progress reads in its notification and when it ends. Pure. */
import type { BatchProgress } from '../shared/protocol';
import { formatUsd } from './job-presentation';

/** Jobs of the batch that have ended, whichever way. */
export function batchDone(progress: BatchProgress): number {
  return progress.succeeded + progress.failed + progress.cancelled;
}

/** "12/40 done, 1 failed, 4 running, 23 queued, $0.42", and why the batch is paused if it is. */
export function batchProgressText(progress: BatchProgress): string {
  const parts = [`${batchDone(progress)}/${progress.total} done`];
  if (progress.failed) parts.push(`${progress.failed} failed`);
  if (progress.cancelled) parts.push(`${progress.cancelled} cancelled`);
  if (progress.running) parts.push(`${progress.running} running`);
  if (progress.queued) parts.push(`${progress.queued} queued`);
  parts.push(formatUsd(progress.costUsd));
  const text = parts.join(', ');
  return progress.paused ? `${text}. Paused: ${progress.paused}` : text;
}

/** "batch finished: 38 of 40 succeeded, 2 failed, $1.20". */
export function batchFinishedText(progress: BatchProgress): string {
  const parts = [`${progress.succeeded} of ${progress.total} succeeded`];
  if (progress.failed) parts.push(`${progress.failed} failed`);
  if (progress.cancelled) parts.push(`${progress.cancelled} cancelled`);
  parts.push(formatUsd(progress.costUsd));
  const text = `batch finished: ${parts.join(', ')}`;
  // A budget stop is worth repeating: it is why jobs were cancelled.
  return progress.paused ? `${text}. ${progress.paused}` : text;
}
