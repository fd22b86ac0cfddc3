/** The filesystem form of a model id: every character outside [A-Za-z0-9._-] becomes "_". */
export function modelSlug(modelId: string): string {
  return modelId.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * A slug names one folder (`<outputDir>/<slug>/app<N>`, `.appgen/artifacts/<slug>/...`), so it may
 * be as long as a file name may be on common file systems, and no longer.
 */
export const MAX_MODEL_SLUG_BYTES = 255;

/**
 * Why a model id cannot be used, or undefined when its slug is one safe folder name: not empty,
 * not only dots (`.` and `..` leave the output folder; Windows drops trailing dots), at most
 * MAX_MODEL_SLUG_BYTES. Separators cannot survive slugging. The message names the model.
 */
export function modelIdProblem(modelId: string): string | undefined {
  const slug = modelSlug(modelId);
  const shown = describeModelId(modelId);
  if (slug === '') return 'model must not be empty';
  if (/^\.+$/.test(slug)) {
    return `model ${shown} cannot name a folder: its folder name would be "${slug}"; give an OpenRouter model id such as "openai/gpt-4o"`;
  }
  // The slug is ASCII: one byte per character.
  if (slug.length > MAX_MODEL_SLUG_BYTES) {
    return `model ${shown} is too long: its folder name would be ${slug.length} bytes, at most ${MAX_MODEL_SLUG_BYTES}`;
  }
  return undefined;
}

/** A model id quoted for a message; a very long one is cut, with its length. */
function describeModelId(modelId: string): string {
  const limit = 80;
  if (modelId.length <= limit) return JSON.stringify(modelId);
  return `${JSON.stringify(`${modelId.slice(0, limit)}...`)} (${modelId.length} characters)`;
}

/** The highest app number; `app<N>` folders beyond it are never made. */
export const MAX_APP_NUM = 100_000;
