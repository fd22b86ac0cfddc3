/**
 * Batches: a batch file becomes models x templates x repeat jobs, all validated before any is
 * recorded. Tracks each batch's progress and cost from job changes, stops queuing work once a
 * budget is spent, and writes a report when the batch ends.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { Job } from '../../shared/job';
import type { BatchProgress, BatchStartResult, CostEstimate } from '../../shared/protocol';
import { BATCH_FILE, reportFile } from '../../shared/workspace-layout';
import { DaemonError } from '../daemon-error';
import type { GenerationService } from '../generation-service';
import type { BatchRecord } from '../history/batch-record';
import type { Logger } from '../logger';
import { FileRefusedError, readRegularText } from '../read-regular-file';
import type { Template } from '../templates/template';
import {
  type BatchConfig,
  type BatchProblem,
  formatProblems,
  MAX_BATCH_FILE_BYTES,
  type ParsedBatch,
  parseBatchFile,
} from './batch-file';
import { renderBatchReport } from './batch-report';
import { BatchTally } from './batch-tally';
import { JOBS_PER_TURN, nextTurn } from './next-turn';
import { writeReportFile } from './report-file';
import { type ModelPrices, usageCostUsd } from './usage-cost';

export interface BatchServiceDeps {
  workspace: string;
  service: GenerationService;
  listTemplates: () => Promise<Template[]>;
  /** The workspace's template files left out, and why: named where a batch lists their slug. */
  skippedTemplates?: () => Promise<{ file: string; reason: string }[]>;
  listJobs: (batchId: string) => Job[];
  newId: () => string;
  now: () => Date;
  log: Logger;
  onProgress: (progress: BatchProgress) => void;
  /**
   * Lets at most `maxConcurrent` of the batch's jobs run at once, in place of the workspace's limit.
   * Called before any of the batch's jobs is queued.
   */
  limitConcurrency: (batchId: string, maxConcurrent: number) => void;
  /**
   * The batch's jobs waiting in the queue now never start (they are being cancelled); later ones
   * do. With `andLater`, neither do those queued until the next call without it.
   */
  dropQueued: (batchId: string, andLater?: boolean) => void;
  /** A model's prices per token from the cached model list (never a request), if known. */
  prices: (model: string) => ModelPrices | undefined;
  /** Fetches the model list into the cache `prices` reads. */
  loadPrices: () => Promise<unknown>;
  recordBatch: (record: BatchRecord) => void;
  getBatch: (batchId: string) => BatchRecord | undefined;
  /** Why the daemon is not starting waiting jobs (credits exhausted), if it is not. */
  queuePaused: () => string | undefined;
  /** A cost estimate for jobs about to start; undefined when prices cannot be had. */
  estimate: (jobs: Job[]) => Promise<CostEstimate | undefined>;
}

interface ActiveBatch {
  id: string;
  file: string;
  budgetUsd?: number;
  paused?: string;
  /** Set once the report file is on disk, so a client given the path can open it. */
  reportPath?: string;
  /** The batch ended and its report is being (or has been) written. */
  ended?: boolean;
  jobs: BatchTally;
  startedAt: string;
}

export class BatchService {
  private readonly batches = new Map<string, ActiveBatch>();
  private readonly writing = new Set<Promise<void>>();

  constructor(private readonly deps: BatchServiceDeps) {}

  /** Validates the whole file, then records and queues every job; on any problem nothing starts. */
  async start(configPath: unknown): Promise<BatchStartResult> {
    if (configPath !== undefined && (typeof configPath !== 'string' || configPath.trim() === '')) {
      throw new DaemonError('invalid_params', 'configPath must be a file path');
    }
    const rel = (configPath as string | undefined) ?? BATCH_FILE;
    const file = isAbsolute(rel) ? rel : join(this.deps.workspace, rel);
    const shown = relative(this.deps.workspace, file) || rel;
    let text: string;
    try {
      text = await readRegularText(file, { maxBytes: MAX_BATCH_FILE_BYTES });
    } catch (error) {
      const reason =
        error instanceof FileRefusedError
          ? `it ${error.message}`
          : (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? 'no such file'
            : (error as Error).message;
      throw new DaemonError('invalid_params', `Cannot read batch file ${shown}: ${reason}`);
    }
    // Known before the file is checked, so an unknown template is listed along with every other problem.
    const templates = (await this.deps.listTemplates()).map((t) => t.slug);
    const skippedTemplates = (await this.deps.skippedTemplates?.()) ?? [];
    const parsed = parseBatchFile(text, { knownTemplates: templates, skippedTemplates });
    const { config } = parsed;
    const batchId = this.deps.newId();
    const { jobs, problems } = config
      ? await this.prepareJobs(config, templates, batchId, parsed.locate)
      : { jobs: [], problems: parsed.problems };
    if (problems.length > 0 || !config) {
      throw new DaemonError(
        'invalid_params',
        `Invalid batch file ${shown} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${formatProblems(shown, problems)}`,
        { details: { file: shown, problems } },
      );
    }
    const batch: ActiveBatch = {
      id: batchId,
      file: shown,
      ...(config.budgetUsd !== undefined ? { budgetUsd: config.budgetUsd } : {}),
      jobs: this.tally(jobs),
      startedAt: this.deps.now().toISOString(),
    };
    // The limit stays with the batch for this daemon's life: a retried job of it counts too.
    if (config.maxConcurrent !== undefined) this.deps.limitConcurrency(batchId, config.maxConcurrent);
    const estimate = await this.deps.estimate(jobs).catch(() => undefined);
    const warning =
      estimate && config.budgetUsd !== undefined && estimate.costUsd > config.budgetUsd
        ? `The batch is estimated at $${estimate.costUsd.toFixed(2)}, above its budget of $${config.budgetUsd}; it stops starting jobs once the budget is spent.`
        : undefined;
    this.batches.set(batchId, batch);
    if (batch.budgetUsd !== undefined) this.loadPricesFor(batch);
    this.deps.recordBatch({
      id: batchId,
      configPath: shown,
      createdAt: batch.startedAt,
      options: { ...config },
    });
    // Recorded on disk before the reply: a crash right after it loses no job of the batch.
    await this.deps.service.enqueueAll(jobs);
    this.deps.log.info('batch started', { batchId, file: shown, jobs: jobs.length, estimate, warning });
    return { batchId, jobs, ...(estimate ? { estimate } : {}), ...(warning ? { warning } : {}) };
  }

  /**
   * Prepares, but neither records nor queues, the jobs of a file found valid; a model no job can be
   * made for is a problem of the file, at the model.
   */
  private async prepareJobs(
    config: BatchConfig,
    templates: string[],
    batchId: string,
    locate: ParsedBatch['locate'],
  ): Promise<{ jobs: Job[]; problems: BatchProblem[] }> {
    const slugs = config.templates === 'all' ? templates : config.templates;
    const jobs: Job[] = [];
    const problems: BatchProblem[] = [];
    const foundAppNums = new Map<string, number>();
    let prepared = 0;
    for (const [m, model] of config.models.entries()) {
      try {
        for (const templateSlug of slugs) {
          for (let r = 0; r < config.repeat; r++) {
            if (++prepared % JOBS_PER_TURN === 0) await nextTurn();
            jobs.push(
              await this.deps.service.prepare(
                { templateSlug, model, ...(config.options ? { options: config.options } : {}) },
                { batchId, foundAppNums, ...(config.outputDir ? { outputDir: config.outputDir } : {}) },
              ),
            );
          }
        }
      } catch (error) {
        // One problem per model: the same refusal would otherwise repeat for every template.
        problems.push(locate(['models', m], (error as Error).message));
      }
    }
    return { jobs, problems };
  }

  /** Called on every job change; keeps batch counts, applies the budget, ends batches. */
  observe(job: Job): void {
    if (!job.batchId) return;
    const batch = this.batches.get(job.batchId);
    if (!batch) return;
    batch.jobs.set(job);
    this.review(batch);
  }

  /** Applies the budget to the batch's counts as they are now, ends it when done, and tells clients. */
  private review(batch: ActiveBatch): void {
    const progress = this.progressOf(batch);
    if (batch.budgetUsd !== undefined && !batch.paused && progress.costUsd >= batch.budgetUsd) {
      batch.paused = `Budget of $${batch.budgetUsd} reached ($${progress.costUsd.toFixed(4)} spent); no new jobs started`;
      this.deps.log.warn(batch.paused, { batchId: batch.id });
      // Each cancellation comes back through observe; the last change may itself end the batch.
      const reason = batch.paused;
      void this.cancelJobs(batch, (job) => job.status === 'queued', reason).catch((error) =>
        this.deps.log.error('cancelling the batch failed', { batchId: batch.id, error }),
      );
    }
    const finished = this.progressOf(batch).finished;
    if (finished && !batch.ended) {
      batch.ended = true;
      const writing = this.writeReport(batch).catch((error) =>
        this.deps.log.error('writing the batch report failed', { error }),
      );
      this.writing.add(writing);
      void writing.finally(() => this.writing.delete(writing));
    } else if (!finished) {
      // A retried job reopens the batch; its report is written again when it ends.
      batch.ended = false;
    }
    this.deps.onProgress(this.progressOf(batch));
  }

  /**
   * Writes an ended batch's report again, after the reports being written, so that it shows what
   * changed since (its apps' checks); a batch still running gets its report when it ends.
   */
  refreshReport(batchId: string): void {
    const batch =
      this.batches.get(batchId) ?? (this.deps.listJobs(batchId).length > 0 ? this.find(batchId) : undefined);
    if (!batch?.ended) return;
    const writing = Promise.allSettled([...this.writing])
      .then(() => this.writeReport(batch))
      .catch((error) => this.deps.log.error('writing the batch report failed', { error }));
    this.writing.add(writing);
    void writing.finally(() => this.writing.delete(writing));
  }

  /** Resolves once every report being written is on disk; the daemon awaits it before exiting. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.writing]);
  }

  status(batchId: unknown): BatchProgress {
    return this.progressOf(this.find(batchId));
  }

  /** Cancels every unfinished job of the batch; resolves with how many it cancelled. */
  cancel(batchId: unknown): Promise<number> {
    return this.cancelJobs(this.find(batchId), (job) => job.status === 'queued' || job.status === 'running');
  }

  /**
   * Cancels the batch's jobs that `which` picks, a few thousand per turn of the event loop. The
   * first turn's share is cancelled before this returns; none of the batch's waiting jobs starts
   * in the meantime.
   */
  private async cancelJobs(
    batch: ActiveBatch,
    which: (job: Job) => boolean,
    reason?: string,
  ): Promise<number> {
    // Until every job is visited none of the batch's starts: a batch still being queued, or a job
    // retried, adds tasks meanwhile, and a running job's end frees a slot one of them could take.
    this.deps.dropQueued(batch.id, true);
    let cancelled = 0;
    let seen = 0;
    try {
      // A Map's iterator sees each job's latest state, and jobs added during a turn too.
      for (const job of batch.jobs.values()) {
        if (++seen % JOBS_PER_TURN === 0) await nextTurn();
        if (which(job) && this.deps.service.cancel(job.id, reason)) cancelled++;
      }
    } finally {
      // What was queued meanwhile was visited above; what comes next runs.
      this.deps.dropQueued(batch.id);
    }
    return cancelled;
  }

  private find(batchId: unknown): ActiveBatch {
    if (typeof batchId !== 'string' || batchId === '')
      throw new DaemonError('invalid_params', 'batchId is required');
    const active = this.batches.get(batchId);
    if (active) return active;
    // A batch from an earlier daemon: rebuild it from the store so status and cancel still work.
    const jobs = this.deps.listJobs(batchId);
    if (jobs.length === 0) throw new DaemonError('invalid_params', `Unknown batch "${batchId}"`);
    const record = this.deps.getBatch(batchId);
    // The batch's settings as it was started with them (the batch file may have changed since).
    const budgetUsd = record?.options?.budgetUsd;
    const maxConcurrent = record?.options?.maxConcurrent;
    const batch: ActiveBatch = {
      id: batchId,
      file: record?.configPath ?? '',
      ...(typeof budgetUsd === 'number' ? { budgetUsd } : {}),
      jobs: this.tally(jobs),
      startedAt: record?.createdAt ?? jobs.map((j) => j.createdAt).sort()[0]!,
    };
    if (typeof maxConcurrent === 'number' && Number.isInteger(maxConcurrent) && maxConcurrent >= 1) {
      this.deps.limitConcurrency(batchId, maxConcurrent);
    }
    if (this.progressOf(batch).finished) {
      // Ended under an earlier daemon, which wrote its report then.
      batch.ended = true;
      const reportPath = reportFile(batchId);
      if (existsSync(join(this.deps.workspace, reportPath))) batch.reportPath = reportPath;
    }
    this.batches.set(batchId, batch);
    if (batch.budgetUsd !== undefined && !batch.ended) {
      // Spent before the earlier daemon stopped: its waiting jobs are cancelled before any resumes.
      if (batch.jobs.costUsd >= batch.budgetUsd) this.review(batch);
      this.loadPricesFor(batch);
    }
    return batch;
  }

  /**
   * Without prices cached (a fresh daemon), jobs that ran without a reported cost count as free:
   * fetch them, then count the batch's cost again.
   */
  private loadPricesFor(batch: ActiveBatch): void {
    void this.deps
      .loadPrices()
      .then(() => {
        const before = batch.jobs.costUsd;
        batch.jobs.recost();
        if (batch.jobs.costUsd !== before) this.review(batch);
      })
      .catch((error) => this.deps.log.warn('model prices unavailable', { error: String(error) }));
  }

  /** A tally that counts a job without a reported cost at the model's listed prices. */
  private tally(jobs: Job[]): BatchTally {
    return new BatchTally(jobs, (job) => this.costOf(job) ?? 0);
  }

  private costOf(job: Job): number | undefined {
    // Prices are looked up only when needed: OpenRouter always reports the cost, and a job that has
    // not called its model yet costs nothing (a lookup may scan a model list of thousands).
    return usageCostUsd(
      job.usage,
      job.usage && job.usage.costUsd === undefined ? this.deps.prices(job.model) : undefined,
    );
  }

  /** Re-attaches batches whose jobs an earlier daemon left unfinished. */
  adopt(jobs: Job[]): void {
    for (const batchId of new Set(jobs.map((j) => j.batchId).filter((b): b is string => !!b))) {
      if (!this.batches.has(batchId)) this.find(batchId);
    }
  }

  private progressOf(batch: ActiveBatch): BatchProgress {
    const counts = batch.jobs.counts;
    // Sums of floats drift a little as jobs come and go; never below zero.
    const costUsd = Math.max(0, batch.jobs.costUsd);
    const finished = counts.queued === 0 && counts.running === 0;
    const paused = batch.paused ?? (finished ? undefined : this.deps.queuePaused());
    return {
      batchId: batch.id,
      total: batch.jobs.size,
      ...counts,
      costUsd,
      finished,
      ...(paused ? { paused } : {}),
      ...(batch.reportPath ? { reportPath: batch.reportPath } : {}),
    };
  }

  private async writeReport(batch: ActiveBatch): Promise<void> {
    // The change that ended the batch (the last of a cancel of thousands) is still being handled;
    // its reply goes out first, and rendering a large batch's report takes a while.
    await nextTurn();
    const markdown = renderBatchReport({
      batchId: batch.id,
      file: batch.file,
      startedAt: batch.startedAt,
      finishedAt: this.deps.now().toISOString(),
      jobs: [...batch.jobs.values()].map((job) => this.withCost(job)),
      ...(batch.paused ? { note: batch.paused } : {}),
    });
    batch.reportPath = await writeReportFile(this.deps.workspace, batch.id, markdown);
    this.deps.onProgress(this.progressOf(batch));
  }

  /** The job with the cost the budget counted for it, so the report adds up to the same total. */
  private withCost(job: Job): Job {
    if (!job.usage || job.usage.costUsd !== undefined) return job;
    const costUsd = this.costOf(job);
    return costUsd === undefined ? job : { ...job, usage: { ...job.usage, costUsd } };
  }
}
