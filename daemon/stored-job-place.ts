/**
 * Whether a job read back from the history may say where files go. Its model's folder name, app
 * number and app path come from the history file, which lives in the workspace and so can be
 * edited or planted by anyone who can write there. A row AppGen would never have written (a model
 * folder of `../..`, an app path outside the output tree) is refused before its job runs, calls a
 * model or writes an artifact.
 */
import type { Job } from '../shared/job';
import { MAX_APP_NUM, modelIdProblem, modelSlug } from '../shared/model-slug';
import { parseAppPath } from '../shared/workspace-layout';
import { isJobId } from './app-place';
import { normaliseRelativePath } from './merger/safe-app-path';
import { checkOutputDir } from './output-dir';

type Place = Pick<Job, 'id' | 'model' | 'modelSlug' | 'appNum' | 'appPath'>;

/** What is wrong with the row's place, as the end of "in the history, ...", or undefined. */
export function storedJobPlaceProblem(job: Place): string | undefined {
  if (!isJobId(job.id)) return `its id ${JSON.stringify(String(job.id).slice(0, 100))} cannot name a file`;
  const slug = job.modelSlug;
  if (
    typeof slug !== 'string' ||
    modelIdProblem(slug) !== undefined ||
    modelSlug(slug) !== slug ||
    typeof job.model !== 'string' ||
    modelSlug(job.model) !== slug
  ) {
    return `its model folder ${JSON.stringify(String(slug).slice(0, 100))} is not the folder name of its model ${JSON.stringify(String(job.model).slice(0, 100))}`;
  }
  if (!Number.isInteger(job.appNum) || job.appNum < 1 || job.appNum > MAX_APP_NUM) {
    return `its app number ${JSON.stringify(job.appNum)} is not one from 1 to ${MAX_APP_NUM}`;
  }
  const expected = `<output folder>/${slug}/app${job.appNum}`;
  const badPath = `its app path ${JSON.stringify(String(job.appPath).slice(0, 200))} is not ${expected}`;
  if (typeof job.appPath !== 'string') return badPath;
  let normal: string;
  try {
    normal = normaliseRelativePath(job.appPath).join('/');
  } catch {
    return badPath;
  }
  const parts = normal === job.appPath ? parseAppPath(job.appPath) : undefined;
  if (!parts || parts.modelSlug !== slug || parts.appNum !== job.appNum) return badPath;
  if (!checkOutputDir(parts.outputDir).ok) return badPath;
  return undefined;
}
