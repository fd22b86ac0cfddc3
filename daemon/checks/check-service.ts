/**
 * Owns the checks of one workspace's apps: checks asked for (`app/check`, `batch/check`) and the
 * static check that follows every successful job, each run in the background in a line of its own
 * (at most `concurrency()` at once, apart from model calls). A job is marked `running` the moment
 * its check is asked for; its result replaces the previous one; both are recorded on the job and
 * announced. Knows nothing of JSON-RPC.
 */
import type { CheckLevel, Job, JobCheck } from '../../shared/job';
import type { BatchCheckResult, ChecksProgress } from '../../shared/protocol';
import { DaemonError } from '../daemon-error';
import type { Logger } from '../logger';
import { parseCheckLevels } from './check-levels';
import { CheckLimiter } from './check-limiter';
import { type CheckRunnerDeps, runAppCheck } from './check-runner';

export interface CheckServiceDeps extends CheckRunnerDeps {
  /** The recorded job, or undefined. */
  getJob: (jobId: string) => Job | undefined;
  /** Records a change to a job and announces it; returns the job as recorded. */
  updateJob: (jobId: string, patch: Partial<Job>) => Job;
  /** Every job of a batch. */
  listJobs: (batchId: string) => Job[];
  /** The `checks` of the batch file a batch was started from, as recorded; undefined when it named none. */
  batchChecks: (batchId: string) => unknown;
  /**
   * The job whose commit the job's app folder now holds (its manifest's), or undefined when that
   * cannot be told: a job whose app a later job replaced is not checked in its name.
   */
  appHolder?: (job: Job) => string | undefined;
  /** Whether a successful job's app is checked (statically) by itself. */
  autoStatic: () => boolean;
  /** Checks at once. */
  concurrency: () => number;
  onProgress: (progress: ChecksProgress) => void;
  /** Every check of a batch asked for so far has ended. */
  onBatchChecked: (batchId: string) => void;
  log: Logger;
}

interface InFlight {
  levels: CheckLevel[];
  /** The check the job had before, put back if this one is dropped before it starts. */
  previous?: JobCheck;
  /** Levels asked for again while this check was under way: checked once more after it. */
  again?: CheckLevel[];
  group: string;
}

interface GroupCounts {
  total: number;
  done: number;
  running: number;
}

export class CheckService {
  private readonly limiter: CheckLimiter;
  private readonly inFlight = new Map<string, InFlight>();
  private readonly groups = new Map<string, GroupCounts>();
  private readonly runs = new Set<Promise<void>>();
  /** Succeeded jobs whose automatic check starts on the next turn. */
  private readonly pendingAuto = new Set<string>();
  private readonly batchLevels = new Map<string, CheckLevel[] | undefined>();
  private stopping = false;
  /** Called once no check is asked for or under way, while the daemon stops. */
  private drained: (() => void) | undefined;

  constructor(private readonly deps: CheckServiceDeps) {
    this.limiter = new CheckLimiter(deps.concurrency());
  }

  /** Checks asked for that have not ended (waiting for their turn or running). */
  get pending(): number {
    return this.inFlight.size;
  }

  /** `app/check`: starts checking a succeeded job's app; returns the job, its check `running`. */
  check(jobId: unknown, levels: unknown): Job {
    const wanted = parseCheckLevels(levels);
    if (typeof jobId !== 'string' || jobId === '') throw invalid('jobId is required');
    const job = this.deps.getJob(jobId);
    if (!job) throw invalid(`Unknown job "${jobId}"`);
    if (job.status === 'queued' || job.status === 'running') {
      throw invalid(
        `Job "${jobId}" is still ${job.status}: its app can be checked once the job has succeeded`,
      );
    }
    if (job.status !== 'succeeded') {
      throw invalid(
        `Job "${jobId}" ${job.status === 'failed' ? 'failed' : 'was cancelled'}: it wrote no app to check`,
      );
    }
    const holder = this.deps.appHolder?.(job);
    if (holder !== undefined && holder !== jobId) {
      // Its code is gone from the folder (kept under .appgen/versions/): a check now would score
      // the later job's code under this job's name.
      throw invalid(
        `Job "${jobId}" no longer holds ${job.appPath}: job "${holder}" replaced its app since; check that job instead`,
      );
    }
    return this.begin(job, wanted);
  }

  /** `batch/check`: checks the app of each succeeded job of a batch (the latest job per app). */
  checkBatch(batchId: unknown, levels: unknown): BatchCheckResult {
    const wanted = parseCheckLevels(levels);
    if (typeof batchId !== 'string' || batchId === '') throw invalid('batchId is required');
    const jobs = this.deps.listJobs(batchId);
    if (jobs.length === 0) throw invalid(`Unknown batch "${batchId}"`);
    const latest = new Map<string, Job>();
    for (const job of jobs) {
      if (job.status !== 'succeeded') continue;
      const other = latest.get(job.appPath);
      if (!other || other.createdAt < job.createdAt) latest.set(job.appPath, job);
    }
    for (const job of latest.values()) this.begin(job, wanted);
    return { checking: latest.size, jobIds: [...latest.values()].map((job) => job.id) };
  }

  /**
   * Checks again the apps whose check an earlier daemon left running (it stopped without saving
   * the end, or was killed); returns how many.
   */
  resume(jobs: readonly Job[]): number {
    let resumed = 0;
    for (const job of jobs) {
      if (job.status !== 'succeeded' || job.check?.verdict !== 'running' || this.inFlight.has(job.id))
        continue;
      const { check, ...unchecked } = job;
      this.begin(unchecked, check.levels && check.levels.length > 0 ? check.levels : ['static']);
      resumed++;
    }
    return resumed;
  }

  /** Called on every job change: a job that has just succeeded gets its automatic check. */
  observe(job: Job): void {
    if (job.status !== 'succeeded' || job.check !== undefined || this.stopping) return;
    if (this.inFlight.has(job.id) || this.pendingAuto.has(job.id)) return;
    const levels = this.autoLevels(job);
    if (levels.length === 0) return;
    // On the next turn: the job's own change is announced (and seen by every observer) first.
    this.pendingAuto.add(job.id);
    setImmediate(() => {
      this.pendingAuto.delete(job.id);
      const current = this.deps.getJob(job.id);
      if (this.stopping || current?.status !== 'succeeded' || current.check !== undefined) return;
      this.begin(current, levels);
    });
  }

  /**
   * Lets the checks asked for end, for at most `drainMs` (a command line that stops the daemon
   * right after its last job still gets that job's check); then drops those not started (their
   * jobs get their previous check back) and waits for the ones running.
   */
  async shutdown(drainMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolveDrained) => {
          this.drained = resolveDrained;
        }),
        new Promise<void>((resolveLate) => {
          timer = setTimeout(resolveLate, drainMs);
        }),
      ]);
      clearTimeout(timer);
    }
    this.limiter.dropWaiting();
    await Promise.allSettled([...this.runs]);
  }

  private autoLevels(job: Job): CheckLevel[] {
    const fallback: CheckLevel[] = this.deps.autoStatic() ? ['static'] : [];
    if (!job.batchId) return fallback;
    if (!this.batchLevels.has(job.batchId)) {
      const named = this.deps.batchChecks(job.batchId);
      let levels: CheckLevel[] | undefined;
      try {
        levels =
          Array.isArray(named) && named.length === 0
            ? []
            : named === undefined
              ? undefined
              : parseCheckLevels(named, 'checks');
      } catch {
        levels = undefined; // validated when the batch started; a damaged record falls back
      }
      this.batchLevels.set(job.batchId, levels);
    }
    return this.batchLevels.get(job.batchId) ?? fallback;
  }

  private begin(job: Job, levels: CheckLevel[]): Job {
    if (this.stopping)
      throw new DaemonError('internal', 'The daemon is stopping; check the app after it starts again');
    const current = this.inFlight.get(job.id);
    if (current) {
      current.again = [...new Set([...(current.again ?? []), ...levels])];
      return this.deps.getJob(job.id) ?? job;
    }
    const group = job.batchId ?? '';
    const entry: InFlight = { levels, group, ...(job.check ? { previous: job.check } : {}) };
    this.inFlight.set(job.id, entry);
    const marked = this.deps.updateJob(job.id, {
      check: { verdict: 'running', levels, checkedAt: this.deps.now().toISOString() },
    });
    this.count(group, (counts) => counts.total++);
    this.limiter.setLimit(this.deps.concurrency());
    this.limiter.add(
      () => this.track(this.run(job.id, entry)),
      () => this.drop(job.id, entry),
    );
    return marked;
  }

  private track(run: Promise<void>): Promise<void> {
    this.runs.add(run);
    return run.finally(() => this.runs.delete(run));
  }

  private async run(jobId: string, entry: InFlight): Promise<void> {
    this.count(entry.group, (counts) => counts.running++);
    let check: JobCheck;
    try {
      const job = this.deps.getJob(jobId);
      if (!job) throw new Error(`job ${jobId} is no longer recorded`);
      const outcome = await runAppCheck(job, entry.levels, this.deps);
      check = outcome.check;
      if (outcome.detailsError !== undefined) {
        this.deps.log.warn('the check details could not be written', {
          jobId,
          error: String(outcome.detailsError),
        });
      }
      if (outcome.manifestError !== undefined) {
        this.deps.log.warn("the app's manifest could not take the check", {
          jobId,
          error: String(outcome.manifestError),
        });
      }
    } catch (error) {
      this.deps.log.error('app check failed', { jobId, error });
      check = {
        verdict: 'skipped',
        reason: `the check could not run: ${(error as Error).message ?? error}`,
        levels: entry.levels,
        checkedAt: this.deps.now().toISOString(),
      };
    }
    this.inFlight.delete(jobId);
    const job = this.deps.updateJob(jobId, { check });
    this.count(entry.group, (counts) => {
      counts.running--;
      counts.done++;
    });
    if (entry.again && !this.stopping) this.begin(job, entry.again);
    if (this.inFlight.size === 0) this.drained?.();
  }

  private drop(jobId: string, entry: InFlight): void {
    this.inFlight.delete(jobId);
    this.deps.updateJob(jobId, { check: entry.previous });
    this.count(entry.group, (counts) => counts.done++);
  }

  /** Changes a group's counts and announces them; a group whose checks have all ended starts again at zero. */
  private count(group: string, change: (counts: GroupCounts) => void): void {
    const counts = this.groups.get(group) ?? { total: 0, done: 0, running: 0 };
    this.groups.set(group, counts);
    change(counts);
    this.deps.onProgress({ ...(group ? { batchId: group } : {}), ...counts });
    if (counts.done === counts.total) {
      this.groups.delete(group);
      if (group) this.deps.onBatchChecked(group);
    }
  }
}

function invalid(message: string): DaemonError {
  return new DaemonError('invalid_params', message);
}
