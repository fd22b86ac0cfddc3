/**
 * One check of one job's app: each level asked for, in order, then the summary, the details
 * file and the summary in the app's manifest. Levels share one shape (`LevelResult`); the smoke level is a dependency, so that starting
 * apps plugs in as one function, and until it is given a smoke level ends `skipped`.
 */
import { join } from 'node:path';
import type { CheckLevel, Job, JobCheck } from '../../shared/job';
import { APP_MANIFEST_FILE, appKey } from '../../shared/workspace-layout';
import { updateAppFile } from '../app-file-update';
import { manifestWithCheck } from '../app-manifest';
import type { Template } from '../templates/template';
import { readAppSnapshot } from './app-snapshot';
import { type CheckDetails, checkDetails, writeCheckDetails } from './check-details';
import { summarizeCheck } from './check-summary';
import { type LevelResult, skippedLevel } from './level-result';
import type { PythonCompileResult, PythonSource } from './python-syntax';
import { runStaticCheck } from './static-check';

export const SMOKE_UNAVAILABLE = 'smoke checks are not available in this build yet';

/** What a level that looks at the app (rather than at a snapshot of its files) is given. */
export interface LevelContext {
  job: Job;
  /** Undefined when the job's template is not known any more. */
  template: Template | undefined;
  workspace: string;
  /** Absolute path of the app folder. */
  appDir: string;
}

export interface CheckRunnerDeps {
  workspace: string;
  findTemplate: (slug: string) => Promise<Template | undefined>;
  /** Runs `fn` holding the app's lock, so that no commit swaps the app while it is read. */
  withAppLock: <T>(key: string, fn: () => Promise<T>) => Promise<T>;
  /** Compiles Python sources (a `PythonCompiler`'s `compile`). */
  compilePython: (files: PythonSource[]) => Promise<PythonCompileResult>;
  /** The smoke level; absent until it is built. */
  smoke?: (context: LevelContext) => Promise<LevelResult>;
  now: () => Date;
  /** Milliseconds from some fixed point, for the duration. */
  clock: () => number;
}

export interface CheckOutcome {
  check: JobCheck;
  details: CheckDetails;
  /** Workspace-relative; absent when the file could not be written (`detailsError` says why). */
  detailsPath?: string;
  detailsError?: unknown;
  /** Why the app's manifest could not take the summary, when it could not. */
  manifestError?: unknown;
}

export async function runAppCheck(
  job: Job,
  levels: readonly CheckLevel[],
  deps: CheckRunnerDeps,
): Promise<CheckOutcome> {
  const started = deps.clock();
  const template = await deps.findTemplate(job.templateSlug);
  const context: LevelContext = {
    job,
    template,
    workspace: deps.workspace,
    appDir: join(deps.workspace, ...job.appPath.split('/')),
  };
  const results: LevelResult[] = [];
  for (const level of levels) {
    try {
      results.push(level === 'static' ? await staticLevel(context, deps) : await smokeLevel(context, deps));
    } catch (error) {
      results.push(
        skippedLevel(level, `the ${level} check could not run: ${(error as Error).message ?? error}`),
      );
    }
  }
  const check = summarizeCheck(results, levels, deps.now().toISOString());
  const details = checkDetails(job, results, check, Math.round(deps.clock() - started));
  const outcome: CheckOutcome = { check, details };
  try {
    outcome.detailsPath = writeCheckDetails(deps.workspace, job, details);
  } catch (detailsError) {
    outcome.detailsError = detailsError;
  }
  try {
    // Only while the app is still the one this job made (see `manifestWithCheck`).
    await deps.withAppLock(appKey(job.modelSlug, job.appNum), () =>
      updateAppFile(deps.workspace, job.appPath, APP_MANIFEST_FILE, (text) =>
        manifestWithCheck(text, job.id, check),
      ),
    );
  } catch (manifestError) {
    outcome.manifestError = manifestError;
  }
  return outcome;
}

async function staticLevel(context: LevelContext, deps: CheckRunnerDeps): Promise<LevelResult> {
  const { job, template } = context;
  const snapshot = await deps.withAppLock(appKey(job.modelSlug, job.appNum), async () =>
    readAppSnapshot(deps.workspace, job.appPath),
  );
  if (!snapshot) return skippedLevel('static', `the app folder ${job.appPath} is not there`);
  return runStaticCheck({
    snapshot,
    endpoints: template
      ? template.api_endpoints
      : { unknown: `the template "${job.templateSlug}" is not known any more` },
    compilePython: deps.compilePython,
  });
}

async function smokeLevel(context: LevelContext, deps: CheckRunnerDeps): Promise<LevelResult> {
  return deps.smoke ? deps.smoke(context) : skippedLevel('smoke', SMOKE_UNAVAILABLE);
}
