/**
 * `appgen check [--batch <id> | --app <path>] [--levels static,smoke]`: checks the apps of a batch,
 * one app, or (with neither) every app of the workspace, each through its latest succeeded job;
 * prints a line per app as its check ends, and exits 0 only when every app checked passed.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { checkEnded, describeCheck } from '../daemon/checks/check-text';
import { CHECK_LEVELS, type CheckLevel, type Job } from '../shared/job';
import * as P from '../shared/protocol';
import { CHECKS_FOLDER, checkDetailsFile } from '../shared/workspace-layout';
import { lastMessages } from './cli-failure';
import { type CliContext, describeError, readingDaemon, UsageError } from './commands';
import type { DaemonLink } from './daemon-link';

export interface CheckOptions {
  batch?: string;
  app?: string;
  /** Comma-separated, as typed. */
  levels?: string;
}

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_INVALID = 2;
const EXIT_INTERRUPTED = 130;

/** The levels `--levels` names; a usage error for anything else. */
export function parseLevelsOption(text: string | undefined): CheckLevel[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!CHECK_LEVELS.includes(name as CheckLevel)) {
      throw new UsageError(
        `--levels: unknown check level "${name}"; the levels are ${CHECK_LEVELS.join(', ')}`,
      );
    }
  }
  return names as CheckLevel[];
}

export async function check(ctx: CliContext, options: CheckOptions): Promise<number> {
  if (options.batch !== undefined && options.app !== undefined) {
    throw new UsageError('check takes --batch or --app, not both');
  }
  const levels = parseLevelsOption(options.levels);
  return readingDaemon(ctx, async (link, interrupt) => {
    // Results that arrive after a request was sent; the running marks go out before its reply.
    const ended = new Map<string, Job>();
    let listening = false;
    const waiters = new Set<() => void>();
    link.onJobChanged((job) => {
      if (!listening || !checkEnded(job.check)) return;
      ended.set(job.id, job);
      for (const wake of [...waiters]) wake();
    });
    let jobIds: string[];
    try {
      listening = true;
      jobIds = await start(ctx, link, options, levels);
    } catch (error) {
      ctx.err.write(`${describeError(error)}\n`);
      return EXIT_INVALID;
    }
    if (jobIds.length === 0) {
      ctx.err.write(
        `No app to check: ${options.batch ? `batch ${options.batch} has` : 'there is'} no succeeded job.\n`,
      );
      return EXIT_FAILED;
    }
    ctx.out.write(`Checking ${jobIds.length} app(s)${levels ? ` (${levels.join(', ')})` : ''}\n`);
    const printed = new Set<string>();
    const print = () => {
      for (const id of jobIds) {
        const job = ended.get(id);
        if (!job || printed.has(id)) continue;
        printed.add(id);
        const reason = job.check!.verdict !== 'passed' && job.check!.reason ? ` (${job.check!.reason})` : '';
        ctx.out.write(
          `[${printed.size}/${jobIds.length}] ${job.model} ${job.templateSlug} app${job.appNum}: ${describeCheck(job.check)}${reason}\n`,
        );
      }
      return printed.size === jobIds.length;
    };
    const outcome = await new Promise<'done' | 'interrupted' | 'exited'>((resolveOutcome) => {
      const wake = () => {
        if (print()) resolveOutcome('done');
      };
      waiters.add(wake);
      wake();
      void interrupt.happened.then(() => resolveOutcome('interrupted'));
      void link.exited.then(() => resolveOutcome('exited'));
    });
    if (outcome === 'interrupted') {
      ctx.err.write('\nInterrupted; the checks under way end in the daemon.\n');
      return EXIT_INTERRUPTED;
    }
    if (outcome === 'exited') {
      ctx.err.write(`\nThe daemon stopped unexpectedly:\n${lastMessages(link.recentLog())}\n`);
      return EXIT_FAILED;
    }
    const results = jobIds.map((id) => ended.get(id)!);
    const passed = results.filter((job) => job.check?.verdict === 'passed').length;
    const first = results[0]!;
    ctx.out.write(
      `\n${passed} of ${results.length} passed. Details: ${CHECKS_FOLDER}/ (e.g. ${checkDetailsFile(first.modelSlug, first.appNum, first.id)})\n`,
    );
    return passed === results.length ? EXIT_OK : EXIT_FAILED;
  });
}

/** Asks for the checks; returns the jobs whose apps are being checked. */
async function start(
  ctx: CliContext,
  link: DaemonLink,
  options: CheckOptions,
  levels: CheckLevel[] | undefined,
): Promise<string[]> {
  const request = levels ? { levels } : {};
  if (options.batch !== undefined) {
    const result = await link.connection.sendRequest(P.BatchCheckRequest, {
      batchId: options.batch,
      ...request,
    });
    return result.jobIds;
  }
  const jobs = await link.connection.sendRequest(P.GenerationListRequest, { status: 'succeeded' });
  const latest = new Map<string, Job>();
  for (const job of jobs) {
    const other = latest.get(job.appPath);
    if (!other || other.createdAt < job.createdAt) latest.set(job.appPath, job);
  }
  let chosen = [...latest.values()];
  if (options.app !== undefined) {
    const appPath = appPathOf(ctx, options.app);
    const job = latest.get(appPath);
    if (!job) throw new UsageError(`No succeeded job wrote the app ${appPath}`);
    chosen = [job];
  }
  for (const job of chosen)
    await link.connection.sendRequest(P.AppCheckRequest, { jobId: job.id, ...request });
  return chosen.map((job) => job.id);
}

/** The workspace-relative posix path of an app given from the current folder or the workspace. */
function appPathOf(ctx: CliContext, app: string): string {
  const fromCwd = resolve(app);
  const inside = (path: string) => {
    const rel = relative(ctx.workspace, path);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : undefined;
  };
  const rel = inside(fromCwd) ?? inside(resolve(ctx.workspace, app));
  if (rel === undefined)
    throw new UsageError(`--app ${app} is not a folder inside the workspace ${ctx.workspace}`);
  return rel.replace(/\/+$/, '');
}
