/**
 * The `appgen` commands. Each returns the process exit code: 0 all good, 1 a job failed,
 * 2 invalid input (arguments, batch file, missing key).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ResponseError } from 'vscode-jsonrpc';
import { describeCheck } from '../daemon/checks/check-text';
import type { Job } from '../shared/job';
import * as P from '../shared/protocol';
import { parseAppPath, reportFile } from '../shared/workspace-layout';
import { DaemonExitedError, InterruptedError, lastMessages, UsageError } from './cli-failure';
import { type DaemonLink, openDaemon } from './daemon-link';
import { followJobs, waitForJobs } from './follow-jobs';
import { type Interrupt, watchInterrupt } from './interrupt';
import { ProgressView } from './progress-view';
import { formatAgo, formatCost, jobSummaryTable, renderTable } from './summary-table';

export interface CliContext {
  workspace: string;
  env: NodeJS.ProcessEnv;
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
  /** Settings for the daemon beyond the environment (the demo uses it). */
  config?: P.ConfigOverrides;
}

export { InterruptedError, UsageError };

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_INVALID = 2;
const EXIT_INTERRUPTED = 130;

function requireKey(ctx: CliContext): void {
  if (!ctx.env.OPENROUTER_API_KEY) {
    throw new UsageError(
      'OPENROUTER_API_KEY is not set. Export your OpenRouter key first, e.g. `export OPENROUTER_API_KEY=...` (the key is read from the environment only, never from arguments).',
    );
  }
}

/**
 * Runs `fn` with a daemon for the workspace (started, or relayed to the one serving it), then lets
 * it go. A `readOnly` command starts no job an interrupted run left: only the commands that run
 * jobs (run, generate, resume) spend on the user's behalf.
 */
export async function withDaemon<T>(
  ctx: CliContext,
  fn: (link: DaemonLink, interrupt: Interrupt) => Promise<T>,
  options: { readOnly?: boolean } = {},
): Promise<T> {
  // Watched from the very start, so a Ctrl-C during start-up still ends the command cleanly.
  const interrupt = watchInterrupt();
  try {
    const opening = openDaemon(ctx.workspace, ctx.env, {
      ...(ctx.config ? { config: ctx.config } : {}),
      ...(options.readOnly ? { readOnly: true } : {}),
    });
    const link = await Promise.race([
      opening,
      interrupt.happened.then(() => {
        // The daemon, if it came up, stops by itself once this process has gone (its stdin closes).
        throw new InterruptedError('Interrupted while starting.');
      }),
    ]);
    try {
      return await fn(link, interrupt);
    } catch (error) {
      throw await link.explain(error);
    } finally {
      await link.shutdown();
    }
  } finally {
    interrupt.dispose();
  }
}

/** withDaemon for a command that reads or checks, and starts no job. */
export function readingDaemon<T>(
  ctx: CliContext,
  fn: (link: DaemonLink, interrupt: Interrupt) => Promise<T>,
): Promise<T> {
  return withDaemon(ctx, fn, { readOnly: true });
}

/**
 * A request the daemon refused (invalid input): its message, exit 2. A daemon that went away instead
 * ends the command with what it said.
 */
async function refused(ctx: CliContext, link: DaemonLink, error: unknown): Promise<number> {
  const reason = await link.explain(error);
  if (reason instanceof DaemonExitedError) throw reason;
  ctx.err.write(`${describeError(reason)}\n`);
  return EXIT_INVALID;
}

/** A request error as one line for people; batch file problems come one per line. */
export function describeError(error: unknown): string {
  if (error instanceof ResponseError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** "Estimated cost: $0.12 (40,000 prompt + 96,000 answer tokens); no price for x/y". */
export function describeEstimate(estimate: P.CostEstimate): string {
  const tokens = `${estimate.promptTokens.toLocaleString('en-US')} prompt + ${estimate.completionTokens.toLocaleString('en-US')} answer tokens, at most`;
  const unpriced =
    estimate.unpricedModels.length > 0 ? `; no price known for ${estimate.unpricedModels.join(', ')}` : '';
  return `Estimated cost: up to $${estimate.costUsd.toFixed(2)} (${tokens})${unpriced}`;
}

/** The command that finishes what this one leaves, for the workspace it ran on. */
function resumeCommand(ctx: CliContext): string {
  return `appgen resume${ctx.workspace !== process.cwd() ? ` --workspace ${ctx.workspace}` : ''}`;
}

/** Said when a command stops because the daemon paused its queue (credits exhausted). */
function pausedMessage(ctx: CliContext, view: ProgressView): string {
  const unfinished = view.all().filter((j) => j.status === 'queued' || j.status === 'running').length;
  return `\nThe queue is paused. ${unfinished} unfinished job(s) are kept: add credits (https://openrouter.ai/settings/credits), then run \`${resumeCommand(ctx)}\` to finish them.\n`;
}

/** "3 succeeded, 1 failed, 2 cancelled; cost $0.0123". */
function countsLine(view: ProgressView): string {
  const counts = view.counts();
  return `${counts.succeeded} succeeded, ${counts.failed} failed${counts.cancelled ? `, ${counts.cancelled} cancelled` : ''}; cost ${formatCost(counts.costUsd)}`;
}

/**
 * A relative batch file is looked up from the current folder first, as shells do, then in the
 * workspace (so `appgen run --workspace ws my.batch.json` works from anywhere).
 */
export function locateBatchFile(file: string, workspace: string): string {
  const fromCwd = resolve(file);
  if (isAbsolute(file) || existsSync(fromCwd)) return fromCwd;
  const fromWorkspace = resolve(workspace, file);
  return existsSync(fromWorkspace) ? fromWorkspace : fromCwd;
}

/** Runs a batch file with live progress; Ctrl-C stops cleanly and the rest resumes later. */
export async function runBatch(ctx: CliContext, batchFile: string | undefined): Promise<number> {
  requireKey(ctx);
  return withDaemon(ctx, async (link, interrupt) => {
    const view = new ProgressView(ctx.out, Boolean(ctx.out.isTTY));
    const follower = followJobs(link, view);
    // Progress of a batch may arrive before the reply that names it; keep the latest of each.
    const batches = new Map<string, P.BatchProgress>();
    let batchId: string | undefined;
    link.onBatchChanged((progress) => {
      batches.set(progress.batchId, progress);
      // A budget stop (or a pause) is news when it happens, not only in the summary at the end.
      if (progress.batchId === batchId && progress.paused) view.note(progress.paused);
    });
    let started: P.BatchStartResult;
    try {
      started = await link.connection.sendRequest(
        P.BatchStartRequest,
        batchFile ? { configPath: locateBatchFile(batchFile, ctx.workspace) } : {},
      );
    } catch (error) {
      return refused(ctx, link, error);
    }
    ctx.out.write(`Batch ${started.batchId}: ${started.jobs.length} job(s)\n`);
    if (started.estimate) ctx.out.write(`${describeEstimate(started.estimate)}\n`);
    if (started.warning) ctx.out.write(`Warning: ${started.warning}\n`);
    follower.track(started.jobs);
    batchId = started.batchId;
    const pausedEarly = batches.get(batchId)?.paused;
    if (pausedEarly) view.note(pausedEarly);
    const outcome = await waitForJobs(
      link,
      view,
      started.jobs.map((j) => j.id),
      interrupt,
    );
    view.stop();
    if (outcome.kind === 'interrupted') {
      const unfinished = view.all().filter((j) => j.status === 'queued' || j.status === 'running').length;
      ctx.err.write(
        `\nInterrupted. ${unfinished} unfinished job(s) are kept and resume with the next command that runs jobs on this workspace: run \`${resumeCommand(ctx)}\` (or open the folder in VS Code).\n`,
      );
      return EXIT_INTERRUPTED;
    }
    if (outcome.kind === 'daemon-exited') {
      ctx.err.write(`\nThe daemon stopped unexpectedly:\n${lastMessages(link.recentLog())}\n`);
      return EXIT_FAILED;
    }
    if (outcome.kind === 'paused') {
      // The batch has not ended, so there is no report yet; it is written once resume finishes it.
      ctx.out.write(`\n${jobSummaryTable(view.all())}\n\n${countsLine(view)}\n`);
      ctx.err.write(pausedMessage(ctx, view));
      return EXIT_FAILED;
    }
    const status = await reportWritten(link, started.batchId, batches);
    ctx.out.write(`\n${jobSummaryTable(view.all())}\n\n${countsLine(view)}\n`);
    const counts = view.counts();
    if (status?.paused) ctx.out.write(`Note: ${status.paused}\n`);
    const report = status?.reportPath ?? reportFile(started.batchId);
    ctx.out.write(`Apps: ${outputDirOf(started.jobs) ?? link.initialized.outputDir}/   Report: ${report}\n`);
    return counts.succeeded === counts.total ? EXIT_OK : EXIT_FAILED;
  });
}

/**
 * The batch's progress once its report is on disk. The daemon writes it just after the last job
 * ends, so this waits briefly for the announcement rather than naming a file that is not there yet.
 */
async function reportWritten(
  link: DaemonLink,
  batchId: string,
  batches: Map<string, P.BatchProgress>,
): Promise<P.BatchProgress | undefined> {
  const known = batches.get(batchId);
  if (known?.reportPath) return known;
  const status = await link.connection.sendRequest(P.BatchStatusRequest, { batchId }).catch(() => undefined);
  if (!status || status.reportPath) return status;
  return new Promise((resolveStatus) => {
    let unsubscribe = () => {};
    const done = (progress: P.BatchProgress | undefined) => {
      unsubscribe();
      clearTimeout(timer);
      resolveStatus(progress);
    };
    const timer = setTimeout(() => done(batches.get(batchId) ?? status), 10_000);
    unsubscribe = link.onBatchChanged((progress) => {
      if (progress.batchId === batchId && progress.reportPath) done(progress);
    });
    void link.exited.then(() => done(batches.get(batchId) ?? status));
  });
}

/** The output folder the jobs write to, when they share one (a batch file may set its own). */
function outputDirOf(jobs: Job[]): string | undefined {
  const dirs = new Set(jobs.map((j) => parseAppPath(j.appPath)?.outputDir));
  return dirs.size === 1 ? [...dirs][0] : undefined;
}

/**
 * Resumes a queue paused for lack of credits, then waits for the jobs an earlier run left
 * unfinished (a daemon starts those again when it starts).
 */
export async function resume(ctx: CliContext): Promise<number> {
  requireKey(ctx);
  return withDaemon(ctx, async (link, interrupt) => {
    const { resumed } = await link.connection.sendRequest(P.ResumeRequest, {});
    if (resumed) ctx.out.write('Resumed the paused queue.\n');
    // One list, not one per status: a job moving from queued to running in between would be
    // counted twice or missed.
    const unfinished = (await link.connection.sendRequest(P.GenerationListRequest, {})).filter(
      (j) => j.status === 'queued' || j.status === 'running',
    );
    if (unfinished.length === 0) {
      ctx.out.write('Nothing to resume.\n');
      return EXIT_OK;
    }
    ctx.out.write(`Resuming ${unfinished.length} job(s)\n`);
    const view = new ProgressView(ctx.out, Boolean(ctx.out.isTTY));
    view.track(unfinished);
    link.onJobChanged((job) => view.update(job));
    for (const job of unfinished)
      view.update(await link.connection.sendRequest(P.GenerationGetRequest, { jobId: job.id }));
    const outcome = await waitForJobs(
      link,
      view,
      unfinished.map((j) => j.id),
      interrupt,
    );
    view.stop();
    if (outcome.kind === 'interrupted') return EXIT_INTERRUPTED;
    if (outcome.kind === 'daemon-exited') {
      ctx.err.write(`\nThe daemon stopped unexpectedly:\n${lastMessages(link.recentLog())}\n`);
      return EXIT_FAILED;
    }
    ctx.out.write(`\n${jobSummaryTable(view.all())}\n`);
    if (outcome.kind === 'paused') {
      ctx.err.write(pausedMessage(ctx, view));
      return EXIT_FAILED;
    }
    const counts = view.counts();
    return counts.succeeded === counts.total ? EXIT_OK : EXIT_FAILED;
  });
}

export async function generate(
  ctx: CliContext,
  options: { template: string; model: string; app?: number },
): Promise<number> {
  requireKey(ctx);
  return withDaemon(ctx, async (link, interrupt) => {
    const view = new ProgressView(ctx.out, Boolean(ctx.out.isTTY));
    const follower = followJobs(link, view);
    let job: Job;
    try {
      job = await link.connection.sendRequest(P.GenerationStartRequest, {
        templateSlug: options.template,
        model: options.model,
        ...(options.app !== undefined ? { appNum: options.app } : {}),
      });
    } catch (error) {
      return refused(ctx, link, error);
    }
    ctx.out.write(`Generating ${job.templateSlug} with ${job.model} into ${job.appPath} (job ${job.id})\n`);
    follower.track([job]);
    const outcome = await waitForJobs(link, view, [job.id], interrupt);
    view.stop();
    if (outcome.kind === 'interrupted') {
      ctx.err.write(
        `\nInterrupted. The job is kept and resumes with the next command that runs jobs on this workspace: run \`${resumeCommand(ctx)}\`.\n`,
      );
      return EXIT_INTERRUPTED;
    }
    if (outcome.kind === 'daemon-exited') {
      ctx.err.write(`The daemon stopped unexpectedly:\n${lastMessages(link.recentLog())}\n`);
      return EXIT_FAILED;
    }
    const done = view.all()[0]!;
    ctx.out.write(`\n${jobSummaryTable([done])}\n`);
    if (outcome.kind === 'paused') {
      ctx.err.write(pausedMessage(ctx, view));
      return EXIT_FAILED;
    }
    if (done.status === 'succeeded')
      ctx.out.write(`Files: ${done.files?.length ?? 0} written to ${done.appPath}\n`);
    return done.status === 'succeeded' ? EXIT_OK : EXIT_FAILED;
  });
}

export async function history(ctx: CliContext, options: { limit?: number; json: boolean }): Promise<number> {
  return readingDaemon(ctx, async (link) => {
    const entries = await link.connection.sendRequest(P.HistoryListRequest, { limit: options.limit ?? 20 });
    if (options.json) {
      ctx.out.write(`${JSON.stringify(entries, null, 2)}\n`);
      return EXIT_OK;
    }
    if (entries.length === 0) {
      ctx.out.write('No generations recorded yet.\n');
      return EXIT_OK;
    }
    const now = new Date();
    ctx.out.write(
      `${renderTable(
        [
          'when',
          'model',
          'template',
          'app',
          'status',
          'check',
          'warnings',
          'calls',
          'tokens',
          'cost',
          'error',
        ],
        entries.map((e) => [
          formatAgo(e.createdAt, now),
          e.model,
          e.templateSlug,
          `app${e.appNum}`,
          e.status,
          describeCheck(e.check),
          e.warnings?.length ? String(e.warnings.length) : '',
          e.retries !== undefined
            ? `${e.attempts - e.retries}${e.retries ? ` (+${e.retries} ${e.retries === 1 ? 'retry' : 'retries'})` : ''}`
            : String(e.attempts),
          e.usage ? String(e.usage.promptTokens + e.usage.completionTokens) : '',
          formatCost(e.usage?.costUsd),
          e.error ? e.error.code : '',
        ]),
      )}\n`,
    );
    return EXIT_OK;
  });
}

export async function importHistory(ctx: CliContext, file: string): Promise<number> {
  return readingDaemon(ctx, async (link) => {
    try {
      const result = await link.connection.sendRequest(P.HistoryImportLegacyRequest, {
        dbPath: resolve(file),
      });
      ctx.out.write(
        `Imported ${result.imported} generation(s); skipped ${result.skipped} already imported.\n`,
      );
      return EXIT_OK;
    } catch (error) {
      return refused(ctx, link, error);
    }
  });
}

export async function templates(ctx: CliContext, options: { json: boolean }): Promise<number> {
  return readingDaemon(ctx, async (link) => {
    const [list, problems] = await Promise.all([
      link.connection.sendRequest(P.TemplatesListRequest, {}),
      link.connection.sendRequest(P.TemplatesProblemsRequest, {}),
    ]);
    // On stderr, so that --json stays one JSON value; the listing itself still succeeded.
    for (const problem of problems) ctx.err.write(`Skipped ${problem.file}: ${problem.reason}\n`);
    if (options.json) {
      ctx.out.write(`${JSON.stringify(list, null, 2)}\n`);
      return EXIT_OK;
    }
    ctx.out.write(
      `${renderTable(
        ['slug', 'name', 'category', 'source'],
        list.map((t) => [t.slug, t.name, t.category, t.source]),
      )}\n`,
    );
    for (const t of list.filter((t) => t.unusedFields)) {
      ctx.out.write(`Note: ${t.slug} has fields no prompt prints: ${t.unusedFields?.join(', ')}\n`);
    }
    return EXIT_OK;
  });
}
