/** The filesystem form of a model id: every character outside [A-Za-z0-9._-] becomes "_". */
export function modelSlug(modelId: string): string {
  return modelId.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Workspace-relative folder of one app, posix separators. */
export function appRelativePath(outputDir: string, slug: string, appNum: number): string {
  return `${outputDir}/${slug}/app${appNum}`;
}

/** The lock key and display name of one app. */
export function appKey(slug: string, appNum: number): string {
  return `${slug}/app${appNum}`;
}
