/**
 * How many jobs a daemon had running at once, replayed from the `generation/changed` notifications
 * it sent: the daemon's own view of its slots, which a model call held at the simulator cannot blur.
 */
import type { Job } from '../../shared/job';

/** The most jobs matching `which` that were `running` at the same time, in notification order. */
export function peakRunning(changes: readonly Job[], which: (job: Job) => boolean): number {
  const revisions = new Map<string, number>();
  const running = new Set<string>();
  let peak = 0;
  for (const job of changes) {
    if (!which(job)) continue;
    // Of two copies of a job, the higher revision is newer; an older one arriving late is stale.
    if ((job.revision ?? 0) < (revisions.get(job.id) ?? 0)) continue;
    revisions.set(job.id, job.revision ?? 0);
    if (job.status === 'running') running.add(job.id);
    else running.delete(job.id);
    peak = Math.max(peak, running.size);
  }
  return peak;
}
