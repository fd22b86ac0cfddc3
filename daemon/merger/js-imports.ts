import { builtinModules } from 'node:module';

const STATEMENT_HEAD = /^[ \t]*(?:import(?=[ \t{*'"]|$)|export[ \t]*(?:\{|\*))/;
const SIDE_EFFECT_IMPORT = /^[ \t]*import[ \t]*(['"])([^'"\n]+)\1/;
const FROM_CLAUSE = /\bfrom[ \t]*(['"])([^'"\n]+)\1/;
const CALL = /\b(?:require|import)[ \t]*\([ \t]*(['"])([^'"\n]{1,300})\1[ \t]*\)/g;
// Multi-line import lists end within a few lines; a head without `from` this far on was no import.
const MAX_STATEMENT_LINES = 30;
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
const MAX_PACKAGE_NAME_LENGTH = 214;
const NODE_BUILTINS = new Set(builtinModules);

/**
 * The npm packages a JavaScript/TypeScript source imports (`import x from 'pkg'`, `import 'pkg/style.css'`,
 * `export * from '@scope/pkg/sub'`, `require('pkg')`, `import('pkg')`), in order of first use.
 * Relative and absolute paths, `node:` and other schemes, bundler aliases (`@/`, `~/`) and Node
 * built-ins are not packages.
 */
export function jsImportedPackages(source: string): string[] {
  const packages = new Set<string>();
  for (const { specifier } of jsImportSpecifiers(source)) {
    const name = packageOfSpecifier(specifier);
    if (name !== undefined) packages.add(name);
  }
  return [...packages];
}

/** One module a JavaScript/TypeScript source imports. */
export interface JsImport {
  /** As written: `./components/List`, `react-dom/client`. */
  specifier: string;
  /** 1-based line where the specifier is. */
  line: number;
}

/**
 * Every module specifier a JavaScript/TypeScript source imports or re-exports, static, `require` or
 * dynamic, in order. Each line is looked at once.
 */
export function jsImportSpecifiers(source: string): JsImport[] {
  const imports: JsImport[] = [];
  const lines = source.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (!line.includes('import') && !line.includes('export') && !line.includes('require')) continue;
    for (const call of line.matchAll(CALL)) imports.push({ specifier: call[2]!, line: index + 1 });
    if (!STATEMENT_HEAD.test(line)) continue;
    const sideEffect = SIDE_EFFECT_IMPORT.exec(line);
    if (sideEffect !== null) {
      imports.push({ specifier: sideEffect[2]!, line: index + 1 });
      continue;
    }
    // Follow a multi-line `import {\n a,\n b\n} from 'pkg'` to its `from`.
    const last = Math.min(lines.length - 1, index + MAX_STATEMENT_LINES - 1);
    for (let next = index; next <= last; next++) {
      const part = lines[next]!;
      if (next > index && (part.includes('require') || part.includes('import'))) {
        for (const call of part.matchAll(CALL)) imports.push({ specifier: call[2]!, line: next + 1 });
      }
      const from = FROM_CLAUSE.exec(part);
      if (from !== null) imports.push({ specifier: from[2]!, line: next + 1 });
      if (from !== null || part.includes(';') || next === last) {
        index = next;
        break;
      }
    }
  }
  return imports;
}

/** The package an import specifier names (`@scope/pkg/sub` -> `@scope/pkg`), or undefined if none. */
export function packageOfSpecifier(specifier: string): string | undefined {
  const spec = specifier.trim();
  if (spec === '' || spec.startsWith('.') || spec.startsWith('/') || spec.includes(':')) return undefined;
  const segments = spec.split('/');
  const name = spec.startsWith('@') ? segments.slice(0, 2).join('/') : segments[0]!;
  if (name.length > MAX_PACKAGE_NAME_LENGTH || !PACKAGE_NAME.test(name)) return undefined;
  if (NODE_BUILTINS.has(name)) return undefined;
  return name;
}
