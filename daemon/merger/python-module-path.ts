/** What resolving a module needs to know of an app. */
export interface AppFileView {
  /** Whether the app has a file at this app-relative path. */
  exists(path: string): boolean;
  /** Whether the app has files under this app-relative folder (that the caller knows of). */
  hasFolder(path: string): boolean;
}

/**
 * The app file a dotted Python module names under `base` (`routes.todos` in `backend` ->
 * `backend/routes/todos.py`, else `backend/routes/todos/__init__.py`), `''` for a folder without
 * `__init__.py` (a namespace package, which Python imports as well), or undefined when the app
 * has none of these.
 */
export function resolvePythonModule(
  base: string,
  parts: readonly string[],
  app: AppFileView,
): string | undefined {
  const path = `${base}/${parts.join('/')}`;
  if (app.exists(`${path}.py`)) return `${path}.py`;
  if (app.exists(`${path}/__init__.py`)) return `${path}/__init__.py`;
  return app.hasFolder(path) ? '' : undefined;
}

/** Every folder above the paths (`a/b/c.py` -> `a`, `a/b`). */
export function foldersOf(paths: Iterable<string>): Set<string> {
  const folders = new Set<string>();
  for (const path of paths) {
    for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
      folders.add(path.slice(0, slash));
    }
  }
  return folders;
}
