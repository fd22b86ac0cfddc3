/**
 * The shape of the jobs tree, computed from plain jobs: unfinished single generations on top, then
 * batches (each holding its jobs whatever their state, so a batch is followed in one place), then
 * history grouped by batch, by model and app, or by batch, template and model. Pure, so the
 * grouping is tested without VS Code.
 */
import { isFinished, type Job } from '../shared/job';
import type { GroupBy } from './config-reader';
import { formatDurationMs, formatUsd } from './job-presentation';

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
  | {
      kind: 'group';
      id: string;
      label: string;
      description: string;
      children: TreeNode[];
      /** Set on a batch's row, for its actions. */
      batch?: BatchRow;
    }
  | { kind: 'job'; id: string; folderKey: string; job: Job };

/** What a batch row's actions need, and which of them apply. */
export interface BatchRow {
  batchId: string;
  folderKey: string;
  active: boolean;
  /** Some job failed or was cancelled, and no later job of the same app succeeded. */
  retryable: boolean;
}

/** `batch:active` or `batch:finished`, plus `:retryable`; matched by `viewItem` in package.json. */
export function batchContextValue(batch: BatchRow): string {
  return `batch:${batch.active ? 'active' : 'finished'}${batch.retryable ? ':retryable' : ''}`;
}

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
  if (counts.running) parts.push(`${counts.running} running`);
  if (counts.queued) parts.push(`${counts.queued} queued`);
  return parts.join(', ');
}

/** Cost so far of the jobs that report one, or undefined when none does. */
function costOf(jobs: readonly Job[]): number | undefined {
  let total: number | undefined;
  for (const job of jobs) {
    const cost = job.usage?.costUsd;
    if (cost !== undefined) total = (total ?? 0) + cost;
  }
  return total;
}

/** From the first job's start (or creation) to the last one's end, or to now while any is active. */
function elapsedMs(jobs: readonly Job[], now: Date): number | undefined {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const job of jobs) {
    const from = Date.parse(job.startedAt ?? job.createdAt);
    if (!Number.isNaN(from)) start = Math.min(start, from);
    const to = isFinished(job.status) ? Date.parse(job.finishedAt ?? '') : now.getTime();
    if (!Number.isNaN(to)) end = Math.max(end, to);
  }
  return Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, end - start) : undefined;
}

/** "10 jobs, 5 ok, 1 failed, 2 running, 2 queued · $0.12 · 2 min 5 s". */
function batchSummary(jobs: readonly Job[], now: Date): string {
  const parts = [summary(jobs)];
  const cost = costOf(jobs);
  if (cost !== undefined) parts.push(formatUsd(cost));
  const elapsed = elapsedMs(jobs, now);
  if (elapsed !== undefined) parts.push(formatDurationMs(elapsed));
  return parts.join(' · ');
}

/** Whether an app of the batch ended failed or cancelled with no later success for it. */
function hasRetryable(jobs: readonly Job[]): boolean {
  const latest = new Map<string, Job>();
  for (const job of jobs) {
    if (!isFinished(job.status)) continue;
    const seen = latest.get(job.appPath);
    if (!seen || seen.createdAt < job.createdAt) latest.set(job.appPath, job);
  }
  return [...latest.values()].some((job) => job.status === 'failed' || job.status === 'cancelled');
}

/** Running, then queued (oldest first), then finished jobs (newest first). */
function batchOrder(jobs: readonly Job[]): Job[] {
  return [...activeJobs(jobs), ...jobs.filter((job) => isFinished(job.status)).sort(newestFirst)];
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

/** When a batch began: its first job's creation. Later retries do not move its row. */
function batchStart(jobs: readonly Job[]): string {
  let first = jobs[0]!.createdAt;
  for (const job of jobs) if (job.createdAt.localeCompare(first) < 0) first = job.createdAt;
  return first;
}

function byBatch(folderKey: string, jobs: readonly Job[], now: Date, byTemplate: boolean): TreeNode[] {
  const groups = groupJobs(jobs, (job) => job.batchId ?? '');
  const batches = [...groups.entries()]
    .filter(([batchId]) => batchId !== '')
    .sort(([, a], [, b]) => batchStart(b).localeCompare(batchStart(a)));
  const nodes: TreeNode[] = batches.map(([batchId, batchJobs]) => ({
    kind: 'group',
    id: `${folderKey}#batch:${batchId}`,
    label: `Batch ${batchId.slice(0, 8)}`,
    description: batchSummary(batchJobs, now),
    children: byTemplate
      ? templateGroups(folderKey, `batch:${batchId}`, batchJobs)
      : batchOrder(batchJobs).map((job) => jobNode(folderKey, job)),
    batch: {
      batchId,
      folderKey,
      active: batchJobs.some((job) => !isFinished(job.status)),
      retryable: hasRetryable(batchJobs),
    },
  }));
  const single = groups.get('')?.filter((job) => isFinished(job.status));
  if (single && single.length > 0) {
    nodes.push({
      kind: 'group',
      id: `${folderKey}#single`,
      label: 'Single generations',
      description: summary(single),
      children: byTemplate
        ? templateGroups(folderKey, 'single', single)
        : single.map((job) => jobNode(folderKey, job)),
    });
  }
  return nodes;
}

/** Template, then model, each sorted by name; a model's jobs in batch order. */
function templateGroups(folderKey: string, scope: string, jobs: readonly Job[]): TreeNode[] {
  const templates = groupJobs(jobs, (job) => job.templateSlug);
  return [...templates.keys()].sort().map((slug): TreeNode => {
    const templateJobs = templates.get(slug)!;
    const models = groupJobs(templateJobs, (job) => job.model);
    return {
      kind: 'group',
      id: `${folderKey}#${scope}#template:${slug}`,
      label: slug,
      description: summary(templateJobs),
      children: [...models.keys()].sort().map(
        (model): TreeNode => ({
          kind: 'group',
          id: `${folderKey}#${scope}#template:${slug}#model:${model}`,
          label: model,
          description: summary(models.get(model)!),
          children: batchOrder(models.get(model)!).map((job) => jobNode(folderKey, job)),
        }),
      ),
    };
  });
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

/**
 * The nodes under one folder. Grouped by batch (or by template), active single generations come
 * first and a batch's jobs stay in its row whatever their state; grouped by model, every active job
 * comes first and the history is grouped by model and app.
 */
export function folderChildren(folder: FolderJobs, groupBy: GroupBy, now = new Date()): TreeNode[] {
  if (groupBy === 'model') {
    const active = activeJobs(folder.jobs).map((job) => jobNode(folder.key, job));
    const finished = folder.jobs.filter((job) => isFinished(job.status));
    return [...active, ...byModel(folder.key, finished)];
  }
  const activeSingles = activeJobs(folder.jobs.filter((job) => !job.batchId));
  return [
    ...activeSingles.map((job) => jobNode(folder.key, job)),
    ...byBatch(folder.key, folder.jobs, now, groupBy === 'template'),
  ];
}

/**
 * The tree's top level. One folder shows its nodes directly; several folders each get a node,
 * so the same app number under two folders never mixes.
 */
export function buildTree(folders: readonly FolderJobs[], groupBy: GroupBy, now = new Date()): TreeNode[] {
  if (folders.length === 1) return folderChildren(folders[0]!, groupBy, now);
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
        children: folderChildren(folder, groupBy, now),
      };
    });
}
