/**
 * Owns the jobs of one workspace: validates and records requests, reserves app numbers, schedules
 * jobs on the queue, runs them, records every change and announces it. Knows nothing of JSON-RPC.
 */
import { addUsage, type Job, type JobStatus } from '../shared/job';
import { modelIdProblem, modelSlug } from '../shared/model-slug';
import type { GenerationListParams, GenerationStartParams } from '../shared/protocol';
import { appRelativePath, parseAppPath } from '../shared/workspace-layout';
import { AppNumbers } from './app-numbers';
import { committedJob } from './committed-job';
import { asDaemonError, DaemonError } from './daemon-error';
import type { GenerationServiceDeps, JobContext } from './generation-deps';
import { checkJobFields, invalid, requiredText } from './generation-params';
import { type JobRunnerDeps, runJob } from './job-runner';
import { readKeptCall } from './kept-call-files';
import { lookupModel } from './model-catalog-lookup';
import { storedJobPlaceProblem } from './stored-job-place';

const SHUTDOWN = Symbol('shutdown');
/**
 * Jobs a batch announces and queues per turn of the event loop: a few milliseconds, so the reply
 * that returns the batch's jobs, written just before, goes out to the client while they are.
 */
const LAUNCHED_PER_TURN = 100;

export class GenerationService {
  private readonly running = new Map<string, AbortController>();
  /** Queued jobs by id, as last recorded: a job starting reads itself here, not from the history. */
  private readonly waiting = new Map<string, Job>();
  /** Jobs whose commit has begun: a cancel can no longer stop them. */
  private readonly committing = new Set<string>();
  private readonly revisions = new Map<string, number>();
  /** Apps already on disk count too, so a number is never reused for a folder someone made by hand. */
  private readonly appNums = new AppNumbers((slug, outputDir) =>
    Math.max(this.deps.store.maxAppNum(slug), this.deps.appStore.highestAppNum(outputDir, slug)),
  );
  private stopping = false;

  /** What a job's run needs: the service's own deps, and the calls an earlier run kept. */
  private readonly runnerDeps: JobRunnerDeps;

  constructor(private readonly deps: GenerationServiceDeps) {
    this.runnerDeps = {
      ...deps,
      keptCall: (job, component) =>
        readKeptCall(deps.workspace, deps.artifacts.folderOf(job.modelSlug, job.appNum), job.id, component),
    };
  }

  /** Validates, records and queues one job. Invalid params throw `invalid_params`; nothing is recorded then. */
  async start(params: GenerationStartParams): Promise<Job> {
    const [job] = await this.recordDurably([await this.prepare(params)]);
    this.launch([job!]);
    return job!;
  }

  /** Builds a job from params without recording it; used to validate a whole batch before starting any. */
  async prepare(params: GenerationStartParams, context: JobContext = {}): Promise<Job> {
    const { batchId } = context;
    const outputDir = context.outputDir ?? this.deps.outputDir();
    const p = (params ?? {}) as Partial<GenerationStartParams>;
    const templateSlug = requiredText(p.templateSlug, 'templateSlug');
    const template = await this.deps.findTemplate(templateSlug);
    if (!template) throw invalid(`Unknown template "${templateSlug}"`);
    await this.deps.checkPrompts?.(template);
    const { components, options, priority, ...fields } = checkJobFields(p);
    // Last: it may ask the server for its model list, which a request refused anyway need not wait for.
    const model = await this.resolveModel(fields.model.trim());
    // Also for a retry, whose model comes from the history rather than from a checked request.
    const unsafe = modelIdProblem(model);
    if (unsafe !== undefined) throw invalid(unsafe);
    const slug = modelSlug(model);
    const appNum = fields.appNum ?? this.appNums.next(slug, outputDir, context.foundAppNums);
    if (fields.appNum !== undefined) this.appNums.taken(slug, fields.appNum);
    const job: Job = {
      id: this.deps.newId(),
      ...(batchId ? { batchId } : {}),
      templateSlug: template.slug,
      model,
      modelSlug: slug,
      appNum,
      appPath: appRelativePath(outputDir, slug, appNum),
      status: 'queued',
      phase: 'waiting',
      attempts: 0,
      retries: 0,
      createdAt: this.deps.now().toISOString(),
      ...(priority ? { priority } : {}),
      ...(components ? { components } : {}),
      ...(options ? { options } : {}),
      artifactsPath: this.deps.artifacts.folderOf(slug, appNum),
    };
    return job;
  }

  /** Records prepared jobs (one save for all of them) and queues them. */
  async enqueueAll(jobs: Job[]): Promise<void> {
    this.launch(await this.recordDurably(jobs));
  }

  /**
   * Records jobs and waits until they are on disk. When the save fails they are taken back and the
   * request fails: a job the client was told was refused never runs later, after a restart.
   */
  private async recordDurably(jobs: Job[]): Promise<Job[]> {
    const recorded = jobs.map((job) => this.record(job, false));
    // The app's ports go into its prompts: allocated now, they are saved with the job, and a job
    // resumed after a crash asks the very same questions (and can use the answers it kept).
    this.deps.store.reservePorts(recorded);
    try {
      await this.deps.store.flush();
    } catch (error) {
      this.deps.store.forgetJobs(recorded.map((job) => job.id));
      for (const job of recorded) this.revisions.delete(job.id);
      const what = recorded.length === 1 ? 'The job was' : `The ${recorded.length} jobs were`;
      throw new DaemonError(
        'internal',
        `${asDaemonError(error).message}. ${what} not recorded and nothing was started.`,
        {},
        { cause: error },
      );
    }
    return recorded;
  }

  /**
   * Announces recorded jobs and queues them once the reply that returns them has gone out, so a
   * client hears of a job's progress only after it knows the job.
   */
  private launch(jobs: Job[], from = 0): void {
    if (from === 0) for (const job of jobs) this.waiting.set(job.id, job);
    setImmediate(() => {
      if (this.stopping) return; // the jobs stay recorded queued and resume on the next start
      // A few thousand per turn: announcing 100,000 jobs takes seconds, and requests wait meanwhile.
      const end = Math.min(jobs.length, from + LAUNCHED_PER_TURN);
      for (const job of jobs.slice(from, end)) {
        // A cancel in the meantime has recorded the job cancelled and taken it out of `waiting`;
        // nothing else changes a queued job, so the recorded state is still the current one.
        if (!this.waiting.has(job.id)) continue;
        this.deps.onChanged(job);
        this.schedule(job);
      }
      if (end < jobs.length) this.launch(jobs, end);
    });
  }

  get(jobId: unknown): Job {
    if (typeof jobId !== 'string' || jobId === '') throw invalid('jobId is required');
    const job = this.deps.store.getJob(jobId);
    if (!job) throw invalid(`Unknown job "${jobId}"`);
    return job;
  }

  list(params: GenerationListParams): Job[] {
    return this.deps.store.listJobs({ status: params?.status, batchId: params?.batchId });
  }

  /**
   * Cancels a queued job at once, or aborts a running one (its model call or its wait for the app's
   * lock). A job whose commit has begun, like a finished one, goes on as it is: false then.
   */
  cancel(jobId: unknown, reason = 'Cancelled before it started'): boolean {
    // A waiting job is as last recorded: a batch cancel of thousands reads none from the history.
    const job = (typeof jobId === 'string' && this.waiting.get(jobId)) || this.get(jobId);
    if (job.status === 'queued') {
      this.waiting.delete(job.id);
      this.finish(job, 'cancelled', { error: { code: 'cancelled', message: reason } });
      return true;
    }
    const controller = this.running.get(job.id);
    if (job.status === 'running' && controller && !this.committing.has(job.id)) {
      controller.abort();
      return true;
    }
    return false;
  }

  async retry(jobId: unknown): Promise<Job> {
    const old = this.get(jobId);
    const outputDir = parseAppPath(old.appPath)?.outputDir;
    if (outputDir === undefined) {
      throw invalid(
        `Job "${old.id}" cannot be retried: its app path ${JSON.stringify(old.appPath)} is no app folder`,
      );
    }
    const job = await this.prepare(
      {
        templateSlug: old.templateSlug,
        model: old.model,
        appNum: old.appNum,
        ...(old.priority ? { priority: old.priority } : {}),
        ...(old.components ? { components: old.components } : {}),
        ...(old.options ? { options: old.options } : {}),
      },
      {
        ...(old.batchId ? { batchId: old.batchId } : {}),
        outputDir,
      },
    );
    job.retryOf = old.id;
    const [recorded] = await this.recordDurably([job]);
    this.launch([recorded!]);
    return recorded!;
  }

  /**
   * Records and announces a change to a finished job that is not its run's (the check of its app);
   * a field set to undefined is removed.
   */
  update(jobId: string, patch: Partial<Job>): Job {
    return this.record({ ...this.get(jobId), ...patch });
  }

  /**
   * Queues again the jobs an earlier daemon left queued or running; a running one starts over. A job
   * whose app holds its commit was committed before that daemon could save its success: it is
   * recorded succeeded, and never run (nor paid for) again.
   */
  resumeUnfinished(): number {
    const jobs = this.deps.store.listUnfinished();
    for (const job of jobs) {
      const untrusted = storedJobPlaceProblem(job);
      if (untrusted) {
        // Not even its app folder is read: the row, not AppGen, chose where that is.
        this.deps.log.warn('job not resumed: its history row names a place AppGen would not', {
          jobId: job.id,
          problem: untrusted,
        });
        const failed: Job = {
          ...job,
          status: 'failed',
          phase: 'failed',
          finishedAt: this.deps.now().toISOString(),
          error: new DaemonError(
            'unsafe_path',
            `Job ${job.id} was not resumed: in the history, ${untrusted}.`,
          ).toJobError(),
        };
        delete failed.retryAt;
        this.record(failed);
        void this.deps.store.saveSoon().catch(() => undefined); // the store logs and retries a failure
        continue;
      }
      const committed = committedJob(this.deps.workspace, job);
      if (committed) {
        this.deps.log.info('job found committed; recorded as succeeded without running it again', {
          jobId: job.id,
          appPath: job.appPath,
        });
        this.record(committed);
        void this.deps.store.saveSoon().catch(() => undefined); // the store logs and retries a failure
        continue;
      }
      const resumed: Job = { ...job, status: 'queued', phase: 'waiting' };
      delete resumed.startedAt;
      delete resumed.retryAt;
      this.record(resumed);
      this.schedule(resumed);
    }
    return jobs.length;
  }

  counts(): { queued: number; running: number } {
    return { queued: this.waiting.size, running: this.running.size };
  }

  /** Aborts running calls; their jobs stay recorded as unfinished and resume on the next start. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    this.deps.queue.clearWaiting();
    this.deps.startGate?.open(); // jobs held at the gate see `stopping` and end
    for (const controller of this.running.values()) controller.abort(SHUTDOWN);
    await Promise.allSettled([...this.settling]);
    await this.deps.store.flush();
  }

  private readonly settling = new Set<Promise<void>>();

  private schedule(job: Job): void {
    this.waiting.set(job.id, job);
    void this.deps.queue
      .add(() => {
        // Only runs that started are awaited on shutdown: the queue never settles tasks it clears.
        const run = this.execute(job.id);
        const forget = () => this.settling.delete(run);
        this.settling.add(run);
        run.then(forget, forget);
        return run;
      }, job) // its priority orders it; its batch (if any) limits it too
      .catch((error) => this.deps.log.error('job scheduling failed', { jobId: job.id, error }));
  }

  private async execute(jobId: string): Promise<void> {
    // Held here, the job is still queued (a cancel finds it waiting).
    await this.deps.startGate?.pass(jobId);
    const current = this.waiting.get(jobId);
    this.waiting.delete(jobId);
    // Not waiting any more: cancelled while queued.
    if (current?.status !== 'queued' || this.stopping) {
      this.deps.startGate?.ended(jobId, 'other');
      return;
    }
    const controller = new AbortController();
    this.running.set(jobId, controller);
    let job: Job = {
      ...current,
      status: 'running',
      phase: (current.components ?? ['backend'])[0],
      startedAt: this.deps.now().toISOString(),
    };
    const update = (patch: Partial<Job>) => {
      const phaseChanged =
        patch.phase !== undefined && (patch.phase !== job.phase || patch.retryAt !== job.retryAt);
      job = { ...job, ...patch };
      if (patch.phase !== 'retry-wait') delete job.retryAt;
      // Every change is recorded; clients hear of status and phase changes (which carry the
      // attempts and usage so far), not of each counter moving: a batch of thousands of jobs
      // would otherwise spend its time announcing.
      this.record(job, phaseChanged);
    };
    // Recorded as running before the first await: a cancel from now on aborts the run instead of
    // marking a queued job cancelled while it goes on running.
    this.record(job);
    try {
      const template = await this.deps.findTemplate(job.templateSlug);
      if (!template) throw new DaemonError('invalid_params', `Unknown template "${job.templateSlug}"`);
      const ports = this.deps.store.portsFor(job.modelSlug, job.appNum);
      const outcome = await runJob(
        job,
        template,
        ports,
        this.runnerDeps,
        {
          phase: (phase, retryAt) => update(retryAt ? { phase, retryAt } : { phase }),
          attempt: () => update({ attempts: job.attempts + 1 }),
          retry: () => update({ retries: (job.retries ?? 0) + 1 }),
          usage: (add, generationIds, provider) =>
            update({
              usage: addUsage(job.usage, add),
              ...(generationIds.length > 0
                ? { generationIds: [...(job.generationIds ?? []), ...generationIds] }
                : {}),
              ...(provider ? { provider } : {}),
            }),
          committing: () => this.committing.add(jobId),
          prompts: ({ hash, overrides }) =>
            update({ promptHash: hash, ...(overrides.length > 0 ? { promptOverrides: overrides } : {}) }),
        },
        controller.signal,
      );
      this.finish(job, 'succeeded', {
        files: outcome.files,
        ...(outcome.previousVersionPath ? { previousVersionPath: outcome.previousVersionPath } : {}),
        ...(outcome.warnings ? { warnings: outcome.warnings } : {}),
      });
    } catch (thrown) {
      if (controller.signal.reason === SHUTDOWN) return; // stays unfinished; resumes on the next start
      const error = controller.signal.aborted
        ? new DaemonError('cancelled', 'Cancelled while running')
        : asDaemonError(thrown);
      if (error.code === 'internal') this.deps.log.error('job failed unexpectedly', { jobId, error: thrown });
      this.finish(job, error.code === 'cancelled' ? 'cancelled' : 'failed', { error: error.toJobError() });
    } finally {
      this.running.delete(jobId);
      this.committing.delete(jobId);
    }
  }

  private finish(job: Job, status: JobStatus, patch: Partial<Job>): void {
    const finished: Job = {
      ...job,
      ...patch,
      status,
      phase: status,
      finishedAt: this.deps.now().toISOString(),
    };
    delete finished.retryAt;
    this.record(finished);
    this.deps.startGate?.ended(
      job.id,
      status === 'succeeded'
        ? 'succeeded'
        : finished.error && this.deps.provider.failureMeaning(finished.error) === 'out_of_credits'
          ? 'no_credits'
          : 'other',
    );
    // The app holds its commit, so the success need not be on disk before anything else happens;
    // a save that fails is logged and tried again by the store until it succeeds.
    void this.deps.store.saveSoon().catch(() => undefined);
  }

  /**
   * Stores (and by default announces) a job, stamped with the next revision so that a client can
   * tell a newer state from an older one that reached it later.
   */
  private record(job: Job, announce = true): Job {
    const revision = Math.max(this.revisions.get(job.id) ?? 0, job.revision ?? 0) + 1;
    this.revisions.set(job.id, revision);
    const stamped: Job = { ...job, revision };
    this.deps.store.upsertJob(stamped);
    if (announce) this.deps.onChanged(stamped);
    return stamped;
  }

  /**
   * The model id a requested name means: checked against the server's model list when it can be
   * read, a slug resolved when exactly one model has it (from the list, else from this workspace's
   * history).
   */
  private async resolveModel(name: string): Promise<string> {
    const listed = await this.deps.modelNames?.(name);
    const found = lookupModel(name, listed, () =>
      this.deps.store.listJobs({ limit: 1000 }).map((job) => job.model),
    );
    if (!found.ok) throw invalid(found.problem);
    return found.model;
  }
}
