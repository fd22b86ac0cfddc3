/**
 * The manifest an app folder carries (`appgen.json`): which model made it from which template, in
 * which job and batch, from which prompts and calls, when, and how its latest check went. It is
 * written into the staged app with the job's files, so it goes in with the app and an app copied
 * elsewhere still says where it came from. A check updates the summary later, and only while the
 * app is still the one that job made.
 *
 * Turns texts into texts; knows nothing of files, locks or the store.
 */
import { type AppManifest, MANIFEST_VERSION, type ManifestCheck, readManifest } from '../shared/app-manifest';
import type { Job, JobCheck } from '../shared/job';

/** The manifest of the app version `job` commits at `createdAt`, as the text of the file. */
export function manifestText(
  job: Pick<Job, 'id' | 'model' | 'modelSlug' | 'templateSlug' | 'appNum' | 'batchId' | 'components'>,
  made: {
    createdAt: string;
    promptHash?: string;
    promptOverrides?: string[];
    generationIds?: string[];
    provider?: string;
  },
): string {
  const manifest: AppManifest = {
    manifestVersion: MANIFEST_VERSION,
    model: job.model,
    modelSlug: job.modelSlug,
    template: job.templateSlug,
    templateSlug: job.templateSlug,
    appNum: job.appNum,
    jobId: job.id,
    ...(job.batchId ? { batchId: job.batchId } : {}),
    components: [...(job.components ?? ['backend', 'frontend'])],
    ...(made.promptHash ? { promptHash: made.promptHash } : {}),
    ...(made.promptOverrides && made.promptOverrides.length > 0
      ? { promptOverrides: made.promptOverrides }
      : {}),
    ...(made.generationIds && made.generationIds.length > 0 ? { generationIds: made.generationIds } : {}),
    ...(made.provider ? { provider: made.provider } : {}),
    createdAt: made.createdAt,
  };
  return render(manifest);
}

/**
 * The manifest's text with `check` as its summary; undefined when there is nothing to change: no
 * readable manifest, one of another job (the app was made again since), or a check still running.
 */
export function manifestWithCheck(
  text: string | undefined,
  jobId: string,
  check: JobCheck,
): string | undefined {
  if (check.verdict === 'running') return undefined;
  const manifest = readManifest(text);
  if (!manifest || manifest.jobId !== jobId) return undefined;
  const summary: ManifestCheck = { verdict: check.verdict, checkedAt: check.checkedAt };
  if (check.score !== undefined) summary.score = check.score;
  if (check.endpointsOk !== undefined) summary.endpointsOk = check.endpointsOk;
  if (check.endpointsTotal !== undefined) summary.endpointsTotal = check.endpointsTotal;
  if (check.problems !== undefined) summary.problems = check.problems;
  if (check.reason !== undefined) summary.reason = check.reason;
  if (check.levels !== undefined) summary.levels = check.levels;
  return render({ ...manifest, check: summary });
}

function render(manifest: AppManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
