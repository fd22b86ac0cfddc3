import { npmVersionRange } from './npm-versions';

/** Packages to make sure a package.json lists. */
export interface PackageAdditions {
  dependencies: readonly string[];
  /** Packages only build tooling imports (vite.config.js and the like). */
  devDependencies: readonly string[];
}

type JsonObject = Record<string, unknown>;

const DEPENDENCY_SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

/**
 * Adds to a package.json text the packages none of its dependency sections lists yet, with a known
 * caret range or "latest", keeping its other fields, their order and its indentation. Without a
 * current file a minimal Vite-style one is started. Returns the new text, or undefined when nothing
 * is missing or the current file is not a JSON object (a broken file is left for people to see,
 * not rewritten).
 */
export function addPackageDependencies(
  current: string | undefined,
  additions: PackageAdditions,
): string | undefined {
  const manifest = current === undefined ? newManifest() : parseObject(current);
  if (manifest === undefined) return undefined;
  const sections = new Map<string, JsonObject>();
  for (const name of DEPENDENCY_SECTIONS) {
    const section = manifest[name];
    if (section === undefined) continue;
    if (!isObject(section)) return undefined;
    sections.set(name, section);
  }
  const listed = (pkg: string) => [...sections.values()].some((section) => Object.hasOwn(section, pkg));

  let changed = false;
  const add = (sectionName: string, pkg: string) => {
    if (listed(pkg)) return;
    let section = sections.get(sectionName);
    if (section === undefined) {
      section = {};
      sections.set(sectionName, section);
    }
    section[pkg] = npmVersionRange(pkg);
    manifest[sectionName] = sortedByKey(section);
    sections.set(sectionName, manifest[sectionName] as JsonObject);
    changed = true;
  };
  for (const pkg of additions.dependencies) add('dependencies', pkg);
  for (const pkg of additions.devDependencies) add('devDependencies', pkg);
  if (!changed) return undefined;

  const indent = current === undefined ? '  ' : (/^\{\r?\n([ \t]+)"/.exec(current)?.[1] ?? '  ');
  const newline = current === undefined || current.endsWith('\n') ? '\n' : '';
  return `${JSON.stringify(manifest, null, indent)}${newline}`;
}

function newManifest(): JsonObject {
  return { name: 'frontend', private: true, version: '0.0.0', type: 'module' };
}

function parseObject(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sortedByKey(section: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(section).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
