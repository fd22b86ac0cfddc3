import { MAX_NAME_BYTES, type SegmentProblem, segmentProblem } from './path-segment';

/** The filesystem form of a model id: every character outside [A-Za-z0-9._-] becomes "_". */
export function modelSlug(modelId: string): string {
  return modelId.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * A slug names one folder (`<outputDir>/<slug>/app<N>`, `.appgen/artifacts/<slug>/...`), so it may
 * be as long as a file name may be on common file systems, and no longer.
 */
export const MAX_MODEL_SLUG_BYTES = MAX_NAME_BYTES;

/**
 * Why a model id cannot be used, or undefined when its slug is one safe folder name, by the rules
 * the app's own paths meet (shared/path-segment.ts): not empty, not only dots (`.` and `..` leave
 * the output folder), no trailing dot (Windows drops it), not `.git` or `.appgen`, not a Windows
 * device name, at most MAX_MODEL_SLUG_BYTES. Separators cannot survive slugging. The message names
 * the model. Checked before a job is recorded, so such a model is never called and paid for.
 */
export function modelIdProblem(modelId: string): string | undefined {
  const slug = modelSlug(modelId);
  const shown = describeModelId(modelId);
  if (slug === '') return 'model must not be empty';
  const problem = segmentProblem(slug);
  if (problem === undefined) return undefined;
  // The slug is ASCII: one byte per character.
  if (problem === 'too_long') {
    return `model ${shown} is too long: its folder name would be ${slug.length} bytes, at most ${MAX_MODEL_SLUG_BYTES}`;
  }
  const why: Record<Exclude<SegmentProblem, 'too_long'>, string> = {
    only_dots: 'which leaves the output folder',
    not_portable: 'which is not a file name everywhere',
    trailing_dot_or_space: 'which ends in a dot that Windows drops',
    reserved: 'which is kept for version control and AppGen itself',
    device_name: 'which Windows keeps for a device',
  };
  return `model ${shown} cannot name a folder: its folder name would be "${slug}", ${why[problem]}; give an OpenRouter model id such as "openai/gpt-4o"`;
}

/** A model id quoted for a message; a very long one is cut, with its length. */
function describeModelId(modelId: string): string {
  const limit = 80;
  if (modelId.length <= limit) return JSON.stringify(modelId);
  return `${JSON.stringify(`${modelId.slice(0, limit)}...`)} (${modelId.length} characters)`;
}

/** The highest app number; `app<N>` folders beyond it are never made. */
export const MAX_APP_NUM = 100_000;
