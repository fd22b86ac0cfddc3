/**
 * What one job does once it has a queue slot: call the model for each component (backend first, so
 * the frontend prompt can see the API the backend really has), then merge and commit under the app's
 * lock. Model calls run outside any lock. Knows nothing of queues, JSON-RPC or the store.
 */
import { addUsage, type Component, type Job, type JobWarning, type Usage } from '../shared/job';
import {
  APP_BOOKKEEPING_FILES,
  APP_MANIFEST_FILE,
  appKey,
  COMMIT_RECORD_FILE,
  MAIN_FILES,
} from '../shared/workspace-layout';
import type { AppLocks } from './app-locks';
import { manifestText } from './app-manifest';
import type { AppStore, FileWrite } from './app-store';
import type { ArtifactStore } from './artifacts';
import { type CommitEntry, withCommit } from './commit-record';
import { asDaemonError, DaemonError } from './daemon-error';
import { type KeptCall, keptAnswer } from './kept-answer';
import { extractComponentFiles } from './merger/extract-files';
import { checkAppImports } from './merger/import-check';
import { planAppMerge } from './merger/plan-app-merge';
import { assertNoSymlinkEscape } from './merger/symlink-guard';
import { buildPrompt, type Prompt } from './prompts/build-prompt';
import { extractRoutes } from './prompts/extract-routes';
import { promptHash } from './prompts/prompt-hash';
import type { PromptSet } from './prompts/prompt-set';
import { overridesUsed } from './prompts/template-prompts';
import type { ChatRequest, ChatResult, RetryNotice } from './provider/chat-call';
import type { ModelProvider } from './provider/model-provider';
import { renderScaffold } from './scaffold/render-scaffold';
import type { Template } from './templates/template';

/** The model call, as the job needs it: the provider client's `complete` (through the throttle). */
export type ModelCaller = (
  request: ChatRequest,
  options: { signal: AbortSignal; onRetry: (notice: RetryNotice) => void; onAttempt: () => void },
) => Promise<ChatResult>;

export interface JobRunnerDeps {
  callModel: ModelCaller;
  /**
   * The provider behind `callModel`: it reads back the answers its calls kept, and says what a
   * failed call means beyond its job (the job's owner pauses the queue when credits ran out).
   */
  provider: ModelProvider;
  appStore: AppStore;
  artifacts: ArtifactStore;
  locks: AppLocks;
  now: () => Date;
  /**
   * The artifact files of a call an earlier run of the job kept, if any: a resumed job uses the
   * answer instead of paying for the call again. Without it every call is made.
   */
  keptCall?: (job: Job, component: Component) => KeptCall | undefined;
  /** The prompt files in force (the workspace's overrides); the shipped ones when absent. */
  prompts?: () => Promise<PromptSet>;
}

/** How the runner reports progress; each call is a change the job's owner records and announces. */
export interface JobProgress {
  phase(phase: string, retryAt?: string): void;
  attempt(): void;
  /** The attempt just made failed and another follows: it is counted as a retry. */
  retry(): void;
  /** A call was billed (also a failed one): its usage, and the generation ids it was billed under. */
  usage(add: Usage, generationIds: string[], provider?: string): void;
  /** The commit (the app swap) begins: from now on a cancel cannot stop the job. */
  committing(): void;
  /** A prompt is about to be sent: the hash of all sent so far, and the overridden files used. */
  prompts?(sent: { hash: string; overrides: string[] }): void;
}

export interface JobOutcome {
  files: string[];
  previousVersionPath?: string;
  /** What the written app lacks (see `checkAppImports`); absent when nothing. */
  warnings?: JobWarning[];
}

export async function runJob(
  job: Job,
  template: Template,
  ports: { backend: number; frontend: number },
  deps: JobRunnerDeps,
  progress: JobProgress,
  signal: AbortSignal,
): Promise<JobOutcome> {
  const components = job.components ?? ['backend', 'frontend'];
  const writes: FileWrite[] = [];
  let backendCode: string | undefined;
  // What the calls cost, for the app's commit record (the job's owner hears of it through `progress`).
  const spent: Omit<CommitEntry, 'jobId' | 'committedAt' | 'files'> = { attempts: job.attempts };
  // One set of prompt files for the whole job, read as it starts.
  const prompts = await deps.prompts?.();
  const sent: (Prompt & { component: Component })[] = [];
  let promptsUsed: { hash: string; overrides: string[] } | undefined;

  for (const component of (['backend', 'frontend'] as const).filter((c) => components.includes(c))) {
    if (component === 'frontend' && backendCode === undefined) {
      // Regenerating the frontend alone: it still has to match the backend already in the app.
      backendCode = await deps.appStore.readFile(job.appPath, MAIN_FILES.backend);
    }
    const prompt = buildPrompt({
      template,
      component,
      backendCode,
      backendRoutes: backendCode ? extractRoutes(backendCode) : undefined,
      backendPort: ports.backend,
      frontendPort: ports.frontend,
      ...(prompts ? { prompts } : {}),
    });
    sent.push({ component, ...prompt });
    const used = prompts
      ? overridesUsed(
          prompts,
          sent.map((p) => p.component),
        )
      : [];
    promptsUsed = { hash: promptHash(sent), overrides: used };
    progress.prompts?.(promptsUsed);
    const request: ChatRequest = {
      model: job.model,
      messages: [
        { role: 'system', content: prompt.system },
        { role: 'user', content: prompt.user },
      ],
      ...(job.options?.temperature !== undefined ? { temperature: job.options.temperature } : {}),
      ...(job.options?.maxTokens !== undefined ? { maxTokens: job.options.maxTokens } : {}),
    };
    progress.phase(component);
    const result =
      reuseKept(job, component, request, deps, progress) ??
      (await callAndKeep(job, component, request, deps, progress, signal));
    spent.attempts += result.attempts;
    if (result.usage) spent.usage = addUsage(spent.usage, result.usage);
    const billedIds = billedGenerationIds(result);
    if (billedIds.length > 0) spent.generationIds = [...(spent.generationIds ?? []), ...billedIds];
    if (result.provider) spent.provider = result.provider;
    const files = extractComponentFiles(component, result.content, result.finishReason);
    writes.push(...files);
    if (component === 'backend') {
      backendCode = files
        .filter((f) => f.path.endsWith('.py'))
        .map((f) => f.content)
        .join('\n');
    }
  }

  if (signal.aborted) throw new DaemonError('cancelled', 'Cancelled before the app was written');
  progress.phase('merging');
  const projectName = `${job.modelSlug}-app${job.appNum}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  // The wait for the lock ends at once on a cancel; the commit, once begun, is not stopped.
  return deps.locks.runExclusive(
    appKey(job.modelSlug, job.appNum),
    async () => {
      // A cancel that came just as the lock was had still keeps this job out of the app.
      if (signal.aborted) throw new DaemonError('cancelled', 'Cancelled before the app was written');
      progress.committing();
      // Asked for a new app only, before `plan`: its files are the job's files too.
      let scaffoldPaths: string[] = [];
      let warnings: JobWarning[] = [];
      const committed = await deps.appStore.commit({
        jobId: job.id,
        appPath: job.appPath,
        scaffold: () => {
          const scaffold = renderScaffold({
            projectName,
            backendPort: ports.backend,
            frontendPort: ports.frontend,
          });
          scaffoldPaths = scaffold.map((file) => file.path);
          return scaffold;
        },
        plan: (readCurrent) => {
          // The app's own bookkeeping is AppGen's: an answer naming one of its files writes nothing there.
          const planned = planAppMerge({ writes, readCurrent }).filter(
            (file) => !APP_BOOKKEEPING_FILES.includes(file.path),
          );
          warnings = checkAppImports({ files: planned, readCurrent });
          const files = [...new Set([...scaffoldPaths, ...planned.map((file) => file.path)])].sort();
          const committedAt = deps.now().toISOString();
          const entry: CommitEntry = { jobId: job.id, committedAt, files, ...spent };
          const manifest = manifestText(job, {
            createdAt: committedAt,
            ...(promptsUsed ? { promptHash: promptsUsed.hash, promptOverrides: promptsUsed.overrides } : {}),
            ...(spent.generationIds ? { generationIds: spent.generationIds } : {}),
            ...(spent.provider ? { provider: spent.provider } : {}),
          });
          // Last, so they go in with the app: the swap that commits the app records the commit.
          return [
            ...planned,
            { path: APP_MANIFEST_FILE, content: manifest },
            { path: COMMIT_RECORD_FILE, content: withCommit(readCurrent(COMMIT_RECORD_FILE), entry) },
          ];
        },
        checkPath: assertNoSymlinkEscape,
      });
      const files = committed.files.filter((file) => !APP_BOOKKEEPING_FILES.includes(file));
      return warnings.length > 0 ? { ...committed, files, warnings } : { ...committed, files };
    },
    signal,
  );
}

/**
 * The answer an earlier run of this job already got for this call, if it kept one for the same
 * request (see kept-answer.ts): the job resumes from it instead of paying for the call again. Its
 * usage counts once: not again when the job's record already holds its generation id.
 */
function reuseKept(
  job: Job,
  component: Component,
  request: ChatRequest,
  deps: JobRunnerDeps,
  progress: JobProgress,
): ChatResult | undefined {
  const kept = deps.keptCall?.(job, component);
  const result = kept && keptAnswer(kept, request, deps.provider);
  if (!result) return undefined;
  const counted = result.generationId !== undefined && job.generationIds?.includes(result.generationId);
  if (result.usage && !counted) progress.usage(result.usage, billedGenerationIds(result), result.provider);
  return { ...result, attempts: 0 }; // no attempt made now; the earlier ones are in the job's count
}

/** One model call; its request, raw answer and metadata are kept whatever the outcome. */
async function callAndKeep(
  job: Job,
  component: Component,
  request: ChatRequest,
  deps: JobRunnerDeps,
  progress: JobProgress,
  signal: AbortSignal,
): Promise<ChatResult> {
  const started = deps.now().getTime();
  let result: ChatResult;
  try {
    result = await deps.callModel(request, {
      signal,
      onAttempt: () => progress.attempt(),
      onRetry: (notice) => {
        progress.retry();
        progress.phase('retry-wait', new Date(deps.now().getTime() + notice.delayMs).toISOString());
      },
    });
  } catch (thrown) {
    const error = asDaemonError(thrown);
    // A failed call the server billed all the same (cut off, failing late) is paid: it counts.
    if (error.data.usage) progress.usage(error.data.usage, error.data.generationIds ?? []);
    await keepFailedCall(job, component, request, error, deps.now().getTime() - started, deps);
    throw thrown;
  }
  progress.phase(component);
  if (result.usage) progress.usage(result.usage, billedGenerationIds(result), result.provider);
  await deps.artifacts.save(job.modelSlug, job.appNum, {
    jobId: job.id,
    component,
    request: result.requestPayload,
    rawResponse: result.rawResponse,
    meta: {
      model: result.model ?? job.model,
      provider: result.provider,
      generationId: result.generationId,
      usage: result.usage,
      finishReason: result.finishReason,
      attempts: result.attempts,
      status: result.status,
      durationMs: result.durationMs,
    },
  });
  return result;
}

/**
 * Keeps what was sent for every failed call, also when nothing (or nothing usable) came back: the
 * raw response is then empty.
 */
async function keepFailedCall(
  job: Job,
  component: Component,
  request: ChatRequest,
  error: DaemonError,
  durationMs: number,
  deps: JobRunnerDeps,
): Promise<void> {
  try {
    await deps.artifacts.save(job.modelSlug, job.appNum, {
      jobId: job.id,
      component,
      request: requestBody(request),
      rawResponse: error.data.rawResponse ?? '',
      meta: {
        model: job.model,
        error: {
          code: error.code,
          message: error.message,
          ...(error.data.status !== undefined ? { status: error.data.status } : {}),
        },
        attempts: error.data.attempts,
        ...(error.data.usage ? { usage: error.data.usage } : {}),
        ...(error.data.generationIds ? { generationIds: error.data.generationIds } : {}),
        durationMs,
      },
    });
  } catch {
    // The call's own failure is what the job reports; artifacts that cannot be written do not hide it.
  }
}

/**
 * The JSON body of a failed call's artifacts: the request as the job made it (the client adds
 * only its transport fields, `stream` and `usage`). Never headers, so never the key.
 */
function requestBody(request: ChatRequest): unknown {
  return {
    model: request.model,
    messages: request.messages,
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
  };
}

/** Every generation id a call was billed under: failed attempts first, then the answer's own. */
function billedGenerationIds(result: ChatResult): string[] {
  return [...(result.billedGenerationIds ?? []), ...(result.generationId ? [result.generationId] : [])];
}
