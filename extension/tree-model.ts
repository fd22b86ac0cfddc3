/**
 * The shape of the jobs tree, computed from plain jobs: unfinished jobs on top, then history
 * grouped by batch or by model and app. Pure, so the grouping is tested without VS Code.
 */
import { isFinished, type Job } from '../shared/job';
import type { GroupBy } from './config-reader';

export interface FolderJobs {
  /** Stable key of the workspace folder (its URI). */
  key: string;
  name: string;
  jobs: readonly Job[];
}

export type TreeNode =
  | {
      kind: 'folder';
      id: string;
      folderKey: string;
      label: string;
      description: string;
      children: TreeNode[];
    }
  | { kind: 'group'; id: string; label: string; description: string; children: TreeNode[] }
  | { kind: 'job'; id: string; folderKey: string; job: Job };

const newestFirst = (a: Job, b: Job): number => b.createdAt.localeCompare(a.createdAt);
const oldestFirst = (a: Job, b: Job): number => a.createdAt.localeCompare(b.createdAt);

/** Running jobs first, then queued ones, each oldest first (the order they will finish in). */
export function activeJobs(jobs: readonly Job[]): Job[] {
  const running = jobs.filter((job) => job.status === 'running').sort(oldestFirst);
  const queued = jobs.filter((job) => job.status === 'queued').sort(oldestFirst);
  return [...running, ...queued];
}

export function countByStatus(jobs: readonly Job[]): Record<Job['status'], number> {
  const counts = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
  for (const job of jobs) counts[job.status] += 1;
  return counts;
}

function summary(jobs: readonly Job[]): string {
  const counts = countByStatus(jobs);
  const parts = [`${jobs.length} ${jobs.length === 1 ? 'job' : 'jobs'}`];
  if (counts.succeeded) parts.push(`${counts.succeeded} ok`);
  if (counts.failed) parts.push(`${counts.failed} failed`);
  if (counts.cancelled) parts.push(`${counts.cancelled} cancelled`);
  return parts.join(', ');
}

function groupJobs(jobs: readonly Job[], keyOf: (job: Job) => string): Map<string, Job[]> {
  const groups = new Map<string, Job[]>();
  for (const job of [...jobs].sort(newestFirst)) {
    const key = keyOf(job);
    const group = groups.get(key);
    if (group) group.push(job);
    else groups.set(key, [job]);
  }
  return groups;
}

function jobNode(folderKey: string, job: Job): TreeNode {
  return { kind: 'job', id: `${folderKey}#job:${job.id}`, folderKey, job };
}

function byBatch(folderKey: string, finished: readonly Job[]): TreeNode[] {
  const groups = groupJobs(finished, (job) => job.batchId ?? '');
  const nodes: TreeNode[] = [];
  for (const [batchId, jobs] of groups) {
    if (batchId === '') continue;
    nodes.push({
      kind: 'group',
      id: `${folderKey}#batch:${batchId}`,
      label: `Batch ${batchId.slice(0, 8)}`,
      description: summary(jobs),
      children: jobs.map((job) => jobNode(folderKey, job)),
    });
  }
  const single = groups.get('');
  if (single) {
    nodes.push({
      kind: 'group',
      id: `${folderKey}#single`,
      label: 'Single generations',
      description: summary(single),
      children: single.map((job) => jobNode(folderKey, job)),
    });
  }
  return nodes;
}

function byModel(folderKey: string, finished: readonly Job[]): TreeNode[] {
  const models = groupJobs(finished, (job) => job.model);
  return [...models.keys()].sort().map((model) => {
    const jobs = models.get(model)!;
    const apps = groupJobs(jobs, (job) => String(job.appNum));
    const appNodes: TreeNode[] = [...apps.keys()]
      .sort((a, b) => Number(a) - Number(b))
      .map((appNum) => {
        const appJobs = apps.get(appNum)!;
        return {
          kind: 'group',
          id: `${folderKey}#model:${model}#app:${appNum}`,
          label: `app${appNum}`,
          description: `${appJobs[0]!.templateSlug} · ${summary(appJobs)}`,
          children: appJobs.map((job) => jobNode(folderKey, job)),
        };
      });
    return {
      kind: 'group',
      id: `${folderKey}#model:${model}`,
      label: model,
      description: summary(jobs),
      children: appNodes,
    };
  });
}

/** The nodes under one folder: active jobs first, then the grouped history. */
export function folderChildren(folder: FolderJobs, groupBy: GroupBy): TreeNode[] {
  const active = activeJobs(folder.jobs).map((job) => jobNode(folder.key, job));
  const finished = folder.jobs.filter((job) => isFinished(job.status));
  const history = groupBy === 'model' ? byModel(folder.key, finished) : byBatch(folder.key, finished);
  return [...active, ...history];
}

/**
 * The tree's top level. One folder shows its nodes directly; several folders each get a node,
 * so the same app number under two folders never mixes.
 */
export function buildTree(folders: readonly FolderJobs[], groupBy: GroupBy): TreeNode[] {
  if (folders.length === 1) return folderChildren(folders[0]!, groupBy);
  return folders
    .filter((folder) => folder.jobs.length > 0)
    .map((folder) => {
      const counts = countByStatus(folder.jobs);
      const busy = counts.running + counts.queued;
      return {
        kind: 'folder',
        id: `${folder.key}#folder`,
        folderKey: folder.key,
        label: folder.name,
        description: busy > 0 ? `${busy} active` : summary(folder.jobs),
        children: folderChildren(folder, groupBy),
      };
    });
}
