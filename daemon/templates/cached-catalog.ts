/**
 * The template catalog, read at most once a second: every job start looks up its template, and
 * reading and validating every template file each time was most of the daemon's CPU in a large
 * batch. A second is short enough that a template saved in the editor is seen at once in practice.
 */
export const CATALOG_TTL_MS = 1000;

export function cachedCatalog<T>(
  load: () => Promise<T>,
  now: () => number = Date.now,
  ttlMs = CATALOG_TTL_MS,
) {
  let cached: { at: number; value: Promise<T> } | undefined;
  return (): Promise<T> => {
    if (!cached || now() - cached.at >= ttlMs) {
      const value = load();
      cached = { at: now(), value };
      // A failed read is not kept: the next caller tries again.
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
}
