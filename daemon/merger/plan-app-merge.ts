import { ensureExportDefault } from './export-default';
import type { FileWrite } from './file-write';
import { jsImportedPackages } from './js-imports';
import { npmPeerPackages } from './npm-versions';
import { addPackageDependencies } from './package-json-file';
import { isLikelyAppModule } from './python-app-modules';
import { pythonDistribution } from './python-distributions';
import { pythonImports } from './python-imports';
import { foldersOf, resolvePythonModule } from './python-module-path';
import { addRequirements } from './requirements-file';
import { assertAppRelativePath } from './safe-app-path';

/** What planning a merge needs: the job's files and a view of the app as it is. */
export interface AppMergeInput {
  /** Files the job writes, app-relative; a later write to the same path wins. */
  writes: readonly FileWrite[];
  /** The current content of an app file, or undefined when it does not exist. */
  readCurrent: (appRelPath: string) => string | undefined;
}

/** Where the backend's Python dependencies are listed. */
export const REQUIREMENTS_PATH = 'backend/requirements.txt';
/** Where the frontend's npm dependencies are listed. */
export const PACKAGE_JSON_PATH = 'frontend/package.json';
const FRONTEND_MAIN_FILES = ['frontend/src/App.jsx', 'frontend/src/App.js', 'frontend/src/App.tsx'];
const JS_SOURCE = /^frontend\/.*\.(?:[cm]?js|jsx|ts|tsx)$/;
// Imports from build configuration and tests are tooling, not part of the shipped app.
const TOOLING_SOURCE = /(?:^|\/)[^/]*\.config\.[cm]?[jt]s$|\.(?:test|spec)\.[jt]sx?$/;
const PYTHON_SOURCE = /^backend\/.*\.py$/;

/**
 * Completes a job's writes into the final set of files to commit:
 * - a frontend main file without a default export gets one;
 * - third-party Python imports missing from `backend/requirements.txt` are added to it (standard
 *   library, relative imports and the app's own modules excluded, also missing ones such as a
 *   `models` without models.py: see `isLikelyAppModule`);
 * - npm packages imported by frontend sources and missing from `frontend/package.json` are added.
 * Dependency files are read from the job's own writes first, then from the app. Pure: all reading
 * goes through `readCurrent`. Throws `unsafe_path` for a write outside the component folders.
 */
export function planAppMerge(input: AppMergeInput): FileWrite[] {
  const files = new Map<string, string>();
  for (const write of input.writes) {
    assertAppRelativePath(write.path);
    files.set(write.path, write.content);
  }
  const current = new Map<string, string | undefined>();
  const read = (path: string) => {
    if (files.has(path)) return files.get(path);
    if (!current.has(path)) current.set(path, input.readCurrent(path));
    return current.get(path);
  };

  for (const path of FRONTEND_MAIN_FILES) {
    const content = files.get(path);
    if (content !== undefined) files.set(path, ensureExportDefault(content));
  }

  const distributions = requiredDistributions(files, read);
  if (distributions.length > 0) {
    const updated = addRequirements(read(REQUIREMENTS_PATH), distributions);
    if (updated !== undefined) files.set(REQUIREMENTS_PATH, updated);
  }

  const packages = importedPackages(files);
  if (packages.dependencies.length > 0 || packages.devDependencies.length > 0) {
    const updated = addPackageDependencies(read(PACKAGE_JSON_PATH), packages);
    if (updated !== undefined) files.set(PACKAGE_JSON_PATH, updated);
  }
  return [...files].map(([path, content]) => ({ path, content }));
}

function requiredDistributions(
  files: ReadonlyMap<string, string>,
  read: (path: string) => string | undefined,
): string[] {
  const writtenFolders = foldersOf(files.keys());
  const app = {
    exists: (path: string) => read(path) !== undefined,
    hasFolder: (path: string) => writtenFolders.has(path),
  };
  // An import names the app's own code when a module or package of that name sits beside the
  // importing file or at the top of the backend folder.
  const isLocal = (module: string, folder: string) =>
    [folder, 'backend'].some((base) => resolvePythonModule(base, [module], app) !== undefined);

  const distributions = new Set<string>();
  for (const [path, content] of files) {
    if (!PYTHON_SOURCE.test(path)) continue;
    const folder = path.slice(0, path.lastIndexOf('/'));
    for (const module of pythonImports(content)) {
      // A missing module of the app is no package to install: the import check reports it.
      if (isLocal(module, folder) || isLikelyAppModule(module)) continue;
      const distribution = pythonDistribution(module);
      if (distribution !== undefined) distributions.add(distribution);
    }
  }
  return [...distributions];
}

function importedPackages(files: ReadonlyMap<string, string>): {
  dependencies: string[];
  devDependencies: string[];
} {
  const runtime = new Set<string>();
  const tooling = new Set<string>();
  for (const [path, content] of files) {
    if (!JS_SOURCE.test(path)) continue;
    const target = TOOLING_SOURCE.test(path) ? tooling : runtime;
    for (const pkg of jsImportedPackages(content)) {
      target.add(pkg);
      for (const peer of npmPeerPackages(pkg)) target.add(peer);
    }
  }
  return { dependencies: [...runtime], devDependencies: [...tooling].filter((pkg) => !runtime.has(pkg)) };
}
