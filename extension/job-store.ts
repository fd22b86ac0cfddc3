/**
 * The extension's copy of every folder's jobs, fed by `generation/changed` notifications and by
 * full reloads after a (re)start. Pure; listeners are told after each change.
 */
import type { Job } from '../shared/job';

export type JobStoreListener = (folderKey: string) => void;

export class JobStore {
  private readonly folders = new Map<string, Map<string, Job>>();
  private readonly listeners = new Set<JobStoreListener>();

  /** Replaces a folder's jobs with a fresh list from its daemon. */
  replaceAll(folderKey: string, jobs: readonly Job[]): void {
    this.folders.set(folderKey, new Map(jobs.map((job) => [job.id, job])));
    this.emit(folderKey);
  }

  /**
   * Adds or updates one job. An older copy than the one held (a request's reply that arrives
   * after the job's next notification) is ignored.
   */
  upsert(folderKey: string, job: Job): void {
    let jobs = this.folders.get(folderKey);
    if (!jobs) {
      jobs = new Map();
      this.folders.set(folderKey, jobs);
    }
    const held = jobs.get(job.id);
    if (held && (held.revision ?? 0) > (job.revision ?? 0)) return;
    jobs.set(job.id, job);
    this.emit(folderKey);
  }

  /** Forgets a folder (removed from the workspace). */
  removeFolder(folderKey: string): void {
    if (this.folders.delete(folderKey)) this.emit(folderKey);
  }

  jobs(folderKey: string): Job[] {
    return [...(this.folders.get(folderKey)?.values() ?? [])];
  }

  allJobs(): Job[] {
    return [...this.folders.values()].flatMap((jobs) => [...jobs.values()]);
  }

  find(jobId: string): { folderKey: string; job: Job } | undefined {
    for (const [folderKey, jobs] of this.folders) {
      const job = jobs.get(jobId);
      if (job) return { folderKey, job };
    }
    return undefined;
  }

  /** The folder holding jobs of the batch, if any. */
  folderOfBatch(batchId: string): string | undefined {
    for (const [folderKey, jobs] of this.folders) {
      for (const job of jobs.values()) if (job.batchId === batchId) return folderKey;
    }
    return undefined;
  }

  onDidChange(listener: JobStoreListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private emit(folderKey: string): void {
    for (const listener of [...this.listeners]) listener(folderKey);
  }
}
