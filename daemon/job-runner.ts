/**
 * What one job does once it has a queue slot: call the model for each component (backend first, so
 * the frontend prompt can see the API the backend really has), then merge and commit under the app's
 * lock. Model calls run outside any lock. Knows nothing of queues, JSON-RPC or the store.
 */
import type { Component, Job, JobWarning, Usage } from '../shared/job';
import type { AppLocks } from './app-locks';
import type { AppStore, FileWrite } from './app-store';
import type { ArtifactStore } from './artifacts';
import { asDaemonError, DaemonError } from './daemon-error';
import { extractComponentFiles } from './merger/extract-files';
import { checkAppImports } from './merger/import-check';
import { planAppMerge } from './merger/plan-app-merge';
import { assertNoSymlinkEscape } from './merger/symlink-guard';
import type { ChatRequest, ChatResult, RetryNotice } from './openrouter/openrouter-client';
import { buildPrompt, type Prompt } from './prompts/build-prompt';
import { extractRoutes } from './prompts/extract-routes';
import { promptHash } from './prompts/prompt-hash';
import type { PromptSet } from './prompts/prompt-set';
import { overridesUsed } from './prompts/template-prompts';
import { renderScaffold } from './scaffold/render-scaffold';
import type { Template } from './templates/template';

/** The model call, as the job needs it; the OpenRouter client provides it. */
export type ModelCaller = (
  request: ChatRequest,
  options: { signal: AbortSignal; onRetry: (notice: RetryNotice) => void; onAttempt: () => void },
) => Promise<ChatResult>;

export interface JobRunnerDeps {
  callModel: ModelCaller;
  appStore: AppStore;
  artifacts: ArtifactStore;
  locks: AppLocks;
  now: () => Date;
  /** The prompt files in force (the workspace's overrides); the shipped ones when absent. */
  prompts?: () => Promise<PromptSet>;
}

/** How the runner reports progress; each call is a change the job's owner records and announces. */
export interface JobProgress {
  phase(phase: string, retryAt?: string): void;
  attempt(): void;
  usage(add: Usage, generationId?: string, provider?: string): void;
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

const MAIN_FILES: Record<Component, string> = { backend: 'backend/app.py', frontend: 'frontend/src/App.jsx' };

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
  // One set of prompt files for the whole job, read as it starts.
  const prompts = await deps.prompts?.();
  const sent: (Prompt & { component: Component })[] = [];

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
    progress.prompts?.({ hash: promptHash(sent), overrides: used });
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
    const result = await callAndKeep(job, component, request, deps, progress, signal);
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
    `${job.modelSlug}/app${job.appNum}`,
    async () => {
      // A cancel that came just as the lock was had still keeps this job out of the app.
      if (signal.aborted) throw new DaemonError('cancelled', 'Cancelled before the app was written');
      progress.committing();
      let warnings: JobWarning[] = [];
      const committed = await deps.appStore.commit({
        jobId: job.id,
        appPath: job.appPath,
        scaffold: () =>
          renderScaffold({ projectName, backendPort: ports.backend, frontendPort: ports.frontend }),
        plan: (readCurrent) => {
          const planned = planAppMerge({ writes, readCurrent });
          warnings = checkAppImports({ files: planned, readCurrent });
          return planned;
        },
        checkPath: assertNoSymlinkEscape,
      });
      return warnings.length > 0 ? { ...committed, warnings } : committed;
    },
    signal,
  );
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
      onRetry: (notice) =>
        progress.phase('retry-wait', new Date(deps.now().getTime() + notice.delayMs).toISOString()),
    });
  } catch (thrown) {
    await keepFailedCall(
      job,
      component,
      request,
      asDaemonError(thrown),
      deps.now().getTime() - started,
      deps,
    );
    throw thrown;
  }
  progress.phase(component);
  if (result.usage) progress.usage(result.usage, result.generationId, result.provider);
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
