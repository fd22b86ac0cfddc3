/**
 * Checks that a merged app is whole: every local import names a file the app has, and every package
 * it imports is declared. Pure and cheap (no process, no disk of its own: all reading goes through
 * `readCurrent`), so it runs on every commit.
 *
 * Looked at: every file the commit writes, the entry points (`backend/app.py`, `frontend/index.html`
 * and its scripts, `frontend/vite.config.js`), and every app file these import, transitively.
 * - Python (`backend/**.py`): `from .x import y` and `from . import x` against the importing file's
 *   package; `import x` / `from x import y` against the importing file's folder and `backend/`. A
 *   missing absolute module is the app's own (`unresolved_import`) when its name says so (see
 *   `isLikelyAppModule`), else a package that `backend/requirements.txt` must list
 *   (`undeclared_dependency`); the standard library and what Flask installs need nothing.
 * - JavaScript (`frontend/**.{js,jsx,ts,tsx,mjs,cjs}`): relative and root-relative imports with
 *   Vite's resolution (the path as written, then with .js .jsx .ts .tsx .mjs .cjs .json, then its
 *   `index` file); packages must be in a dependency section of `frontend/package.json` (one warning
 *   names them all when it is missing or not JSON). Bundler aliases (`@/...`) are not checked.
 * - `frontend/index.html`: the `src` of each local `<script>`.
 * Not seen: a folder without `__init__.py` that only the app as it was holds (its files are read one
 * by one, never listed), so `import pkg` of such a namespace package counts as missing.
 */
import { posix } from 'node:path';
import type { JobWarning } from '../../shared/job';
import { MAIN_FILES } from '../../shared/workspace-layout';
import type { FileWrite } from './file-write';
import { jsImportSpecifiers, packageOfSpecifier } from './js-imports';
import { PACKAGE_JSON_PATH, REQUIREMENTS_PATH } from './plan-app-merge';
import { isLikelyAppModule } from './python-app-modules';
import { isSharedNamespace, normaliseDistributionName, pythonDistribution } from './python-distributions';
import { type PythonImport, pythonImportStatements } from './python-imports';
import { type AppFileView, foldersOf, resolvePythonModule } from './python-module-path';
import { PYTHON_STDLIB } from './python-stdlib';
import { listedRequirements } from './requirements-file';

export interface ImportCheckInput {
  /** What the commit writes (the job's files, completed by `planAppMerge`), app-relative. */
  files: readonly FileWrite[];
  /** The app under them: the scaffold for a new app, else the app as it was. */
  readCurrent: (appRelPath: string) => string | undefined;
}

/** Files checked whether or not the commit writes them. */
export const ENTRY_POINTS: readonly string[] = [
  MAIN_FILES.backend,
  'frontend/index.html',
  'frontend/vite.config.js',
];

// A job record carries the first ones; a model that imports hundreds of missing files needs no more.
const MAX_WARNINGS = 50;
const PYTHON_SOURCE = /^backend\/.+\.py$/;
const JS_SOURCE = /^frontend\/.+\.(?:[cm]?js|jsx|ts|tsx)$/;
const JS_EXTENSIONS = ['.js', '.jsx', '.ts', '.tsx', '.mjs', '.cjs', '.json'];
const INDEX_HTML = 'frontend/index.html';
// A normalised path inside a component folder (paths reach here through posix.normalize).
const INSIDE_COMPONENT = /^(?:backend|frontend)\/(?!\.\.?(?:\/|$))/;
const DEPENDENCY_SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];
// Lines longer than this in index.html are not looked at: no script tag of an app is that long.
const MAX_HTML_LINE = 2000;
const SCRIPT_SRC = /<script\b[^>]*?\bsrc\s*=\s*["']([^"'>]+)["']/gi;

/** The warnings of a merged app, sorted by file and line; none when it is whole. */
export function checkAppImports(input: ImportCheckInput): JobWarning[] {
  const written = new Map(input.files.map((file) => [file.path, file.content]));
  const current = new Map<string, string | undefined>();
  const read = (path: string): string | undefined => {
    if (written.has(path)) return written.get(path);
    // Imports are the model's words: nothing it writes makes this read outside the component folders.
    if (!INSIDE_COMPONENT.test(path)) return undefined;
    if (!current.has(path)) current.set(path, input.readCurrent(path));
    return current.get(path);
  };
  const folders = foldersOf(written.keys());
  const app: AppFileView = {
    exists: (path) => read(path) !== undefined,
    hasFolder: (path) => folders.has(path),
  };
  const check = new AppCheck(app, read);
  const queue = [...written.keys(), ...ENTRY_POINTS];
  const seen = new Set<string>();
  for (let index = 0; index < queue.length; index++) {
    const path = queue[index]!;
    if (seen.has(path)) continue;
    seen.add(path);
    const content = read(path);
    if (content === undefined) continue;
    const reached = PYTHON_SOURCE.test(path)
      ? check.python(path, content)
      : JS_SOURCE.test(path)
        ? check.javascript(path, content)
        : path === INDEX_HTML
          ? check.html(path, content)
          : [];
    queue.push(...reached);
  }
  return capped(check.finish());
}

/** The checks of one app; each returns the app files the checked file imports. */
class AppCheck {
  readonly warnings: JobWarning[] = [];
  private readonly reported = new Set<string>();
  private requirements: Set<string> | undefined;
  private packages: { names: Set<string>; problem?: string } | undefined;
  /** Packages imported while package.json cannot be read. */
  private readonly unlisted = new Set<string>();

  constructor(
    private readonly app: AppFileView,
    private readonly read: (path: string) => string | undefined,
  ) {}

  python(path: string, content: string): string[] {
    const reached: string[] = [];
    const folder = posix.dirname(path);
    for (const statement of pythonImportStatements(content)) {
      if (statement.level > 0) this.relativePython(path, folder, statement, reached);
      else this.absolutePython(path, folder, statement, reached);
    }
    return reached;
  }

  javascript(path: string, content: string): string[] {
    const reached: string[] = [];
    for (const { specifier, line } of jsImportSpecifiers(content)) {
      const local = localSpecifier(posix.dirname(path), specifier);
      if (local === undefined) {
        this.npmPackage(path, line, specifier);
        continue;
      }
      const target = this.resolveJs(local);
      if (target !== undefined) reached.push(target);
      else {
        this.warn('unresolved_import', path, line, specifier, `imports "${specifier}", ${missingJs(local)}`);
      }
    }
    return reached;
  }

  html(path: string, content: string): string[] {
    const reached: string[] = [];
    const lines = content.split('\n');
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index]!;
      if (line.length > MAX_HTML_LINE || !line.includes('<script')) continue;
      for (const match of line.matchAll(SCRIPT_SRC)) {
        const src = match[1]!.trim();
        if (/^(?:[a-z]+:)?\/\//i.test(src) || src.startsWith('data:')) continue;
        const local = localSpecifier('frontend', src.startsWith('/') ? src : `./${src}`);
        if (local === undefined) continue;
        if (this.app.exists(local)) reached.push(local);
        else
          this.warn(
            'unresolved_import',
            path,
            index + 1,
            src,
            `loads "${src}", but the app has no ${local}.`,
          );
      }
    }
    return reached;
  }

  private relativePython(path: string, folder: string, statement: PythonImport, reached: string[]): void {
    const base = posix.join(folder, ...Array<string>(statement.level - 1).fill('..'));
    const shown = `${'.'.repeat(statement.level)}${statement.module}`;
    if (base !== 'backend' && !base.startsWith('backend/')) {
      const message = `imports "${shown}", which leaves the backend folder.`;
      this.warn('unresolved_import', path, statement.line, shown, message);
      return;
    }
    if (statement.module !== '') {
      const target = resolvePythonModule(base, statement.module.split('.'), this.app);
      if (target === undefined) {
        const where = `${base}/${statement.module.replaceAll('.', '/')}`;
        const message = `imports "${shown}", but the app has no ${where}.py or ${where}/.`;
        this.warn('unresolved_import', path, statement.line, shown, message);
      } else if (target !== '') reached.push(target);
      return;
    }
    // `from . import x`: x is a module of the package, or a name its __init__.py defines.
    const init = `${base}/__init__.py`;
    if (this.app.exists(init)) {
      reached.push(init);
      return;
    }
    for (const name of statement.names) {
      const target = resolvePythonModule(base, [name], this.app);
      if (target === undefined) {
        const message = `imports "${name}" from "${shown}", but the app has no ${base}/${name}.py, ${base}/${name}/ or ${init}.`;
        this.warn('unresolved_import', path, statement.line, `${shown}${name}`, message);
      } else if (target !== '') reached.push(target);
    }
  }

  private absolutePython(path: string, folder: string, statement: PythonImport, reached: string[]): void {
    const parts = statement.module.split('.');
    const top = parts[0]!;
    if (PYTHON_STDLIB.has(top)) return;
    for (const base of folder === 'backend' ? ['backend'] : [folder, 'backend']) {
      if (resolvePythonModule(base, [top], this.app) === undefined) continue;
      const target = resolvePythonModule(base, parts, this.app);
      if (target === undefined) {
        const where = `${base}/${parts.join('/')}`;
        const message = `imports "${statement.module}", but the app has no ${where}.py or ${where}/.`;
        this.warn('unresolved_import', path, statement.line, statement.module, message);
      } else if (target !== '') reached.push(target);
      return;
    }
    if (isLikelyAppModule(top)) {
      const message = `imports "${statement.module}", a module of the app by its name, but the app has no backend/${top}.py or backend/${top}/.`;
      this.warn('unresolved_import', path, statement.line, top, message);
      return;
    }
    this.pythonPackage(path, statement.line, top);
  }

  private pythonPackage(path: string, line: number, module: string): void {
    this.requirements ??= listedRequirements(this.read(REQUIREMENTS_PATH) ?? '');
    const listed = this.requirements;
    if (isSharedNamespace(module)) {
      const prefix = `${normaliseDistributionName(module)}-`;
      if ([...listed].some((name) => name.startsWith(prefix))) return;
      const message = `imports "${module}", which no ${module}-... requirement of ${REQUIREMENTS_PATH} provides.`;
      this.warn('undeclared_dependency', path, line, module, message);
      return;
    }
    const distribution = pythonDistribution(module);
    if (distribution === undefined || listed.has(normaliseDistributionName(distribution))) return;
    const message = `imports "${module}" (the package ${distribution}), which ${REQUIREMENTS_PATH} does not list.`;
    this.warn('undeclared_dependency', path, line, module, message);
  }

  private npmPackage(path: string, line: number, specifier: string): void {
    const name = packageOfSpecifier(specifier);
    if (name === undefined) return;
    this.packages ??= declaredPackages(this.read(PACKAGE_JSON_PATH));
    if (this.packages.problem !== undefined) this.unlisted.add(name);
    else if (!this.packages.names.has(name)) {
      const message = `imports the package "${name}", which ${PACKAGE_JSON_PATH} does not list.`;
      this.warn('undeclared_dependency', path, line, name, message);
    }
  }

  /** The warnings, sorted. Without a readable package.json one warning names every package. */
  finish(): JobWarning[] {
    if (this.unlisted.size > 0) {
      const names = [...this.unlisted].sort().join(', ');
      this.warnings.push({
        code: 'undeclared_dependency',
        message: `${PACKAGE_JSON_PATH} ${this.packages!.problem}, so none of the packages the frontend imports is declared: ${names}.`,
        file: PACKAGE_JSON_PATH,
      });
    }
    return this.warnings.sort(byPlace);
  }

  // Vite's resolution of a local import: as written, with an extension, or its folder's index file.
  private resolveJs(path: string): string | undefined {
    const candidates = [
      path,
      ...JS_EXTENSIONS.map((extension) => `${path}${extension}`),
      ...JS_EXTENSIONS.map((extension) => `${path}/index${extension}`),
    ];
    return candidates.find((candidate) => this.app.exists(candidate));
  }

  private warn(code: string, file: string, line: number, subject: string, message: string): void {
    const key = `${code}\n${file}\n${subject}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.warnings.push({ code, message: `${file} line ${line} ${message}`, file, line });
  }
}

// The app path a relative (`./x`, `../x`) or root-relative (`/src/x`) specifier names, from a file in
// `folder`; undefined for a package or anything else. A path out of the frontend stays as it is, and
// is then found missing.
function localSpecifier(folder: string, specifier: string): string | undefined {
  const bare = specifier.replace(/[?#].*$/, '');
  if (bare.startsWith('./') || bare.startsWith('../') || bare === '.' || bare === '..') {
    return posix.normalize(posix.join(folder, bare)).replace(/\/$/, '');
  }
  if (bare.startsWith('/') && !bare.startsWith('//')) return posix.normalize(`frontend${bare}`);
  return undefined;
}

function missingJs(path: string): string {
  if (!path.startsWith('frontend/')) return 'which leaves the frontend folder.';
  return `but the app has no ${path} (as it is, with .js, .jsx, .ts or .tsx, or as a folder with an index file).`;
}

function declaredPackages(text: string | undefined): { names: Set<string>; problem?: string } {
  if (text === undefined) return { names: new Set(), problem: 'does not exist' };
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return { names: new Set(), problem: 'is not valid JSON' };
  }
  const names = new Set<string>();
  if (typeof manifest === 'object' && manifest !== null) {
    for (const section of DEPENDENCY_SECTIONS) {
      const listed = (manifest as Record<string, unknown>)[section];
      if (typeof listed === 'object' && listed !== null)
        for (const name of Object.keys(listed)) names.add(name);
    }
  }
  return { names };
}

function byPlace(a: JobWarning, b: JobWarning): number {
  if (a.file !== b.file) return (a.file ?? '') < (b.file ?? '') ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0);
}

function capped(warnings: JobWarning[]): JobWarning[] {
  if (warnings.length <= MAX_WARNINGS) return warnings;
  const kept = warnings.slice(0, MAX_WARNINGS - 1);
  const rest = warnings.length - kept.length;
  const next = warnings[kept.length]!;
  return [
    ...kept,
    { code: next.code, message: `${rest} more problems of this kind and others are not listed.` },
  ];
}
