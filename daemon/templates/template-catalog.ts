import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import { TEMPLATES_FOLDER, workspaceTemplateFile } from '../../shared/workspace-layout';
import { FileRefusedError, readRegularText } from '../read-regular-file';
import { type BuiltinTemplateFile, builtinTemplates } from './builtin-templates';
import { parseTemplate, type Template } from './template';
import { validateTemplate } from './validate-template';

/** Where a template came from; a workspace template overrides a built-in one of the same slug. */
export type TemplateSource = 'builtin' | 'workspace';

/**
 * A valid template and where it was read. The two origin fields are set over the template's own
 * fields, so a template file's own `source` or `sourceFile` (unknown fields) is not kept here.
 */
export type LoadedTemplate = Template & {
  source: TemplateSource;
  /** Workspace-relative posix path for workspace templates, `builtin/<file>` for built-in ones. */
  sourceFile: string;
};

/** A template file that could not be used, and why. */
export interface TemplateProblem {
  /** Workspace-relative posix path (`builtin/<file>` for a built-in one). */
  file: string;
  reason: string;
}

export interface TemplateCatalog {
  /** Sorted by slug. */
  templates: LoadedTemplate[];
  problems: TemplateProblem[];
}

/** The two file operations the catalog needs. */
export interface TemplateFileSystem {
  readdir(path: string): Promise<string[]>;
  /**
   * The text of a regular file of at most `maxBytes`, inside `workspaceDir` once links are followed;
   * anything else throws (FileRefusedError says why).
   */
  readText(path: string, limits: { maxBytes: number; workspaceDir: string }): Promise<string>;
}

/** A template is a page of JSON; a larger file is refused rather than read into memory. */
export const MAX_TEMPLATE_BYTES = 1024 * 1024;

/**
 * The real file system. A template may be a link to a regular file inside the workspace (a shared
 * folder of templates, say); a link out of it, a named pipe or a device is refused.
 */
export const nodeTemplateFileSystem: TemplateFileSystem = {
  readdir: (path) => nodeFs.readdir(path),
  readText: (path, { maxBytes, workspaceDir }) => readRegularText(path, { maxBytes, within: workspaceDir }),
};

export interface LoadTemplatesOptions {
  /** Absolute path of the workspace folder. */
  workspaceDir: string;
  /** Default: nodeTemplateFileSystem. */
  fs?: TemplateFileSystem;
  /** Built-in template files; the ones bundled with the daemon by default. */
  builtins?: readonly BuiltinTemplateFile[];
}

/**
 * Loads the built-in templates and the workspace's `.appgen/templates/*.json`, which add to and
 * override the built-ins by slug. A broken file is reported in `problems` and skipped; it never
 * stops the others from loading. A missing templates folder is not a problem.
 */
export async function loadTemplates(options: LoadTemplatesOptions): Promise<TemplateCatalog> {
  const problems: TemplateProblem[] = [];
  const bySlug = new Map<string, LoadedTemplate>();

  for (const builtin of options.builtins ?? builtinTemplates) {
    const file = `builtin/${builtin.fileName}`;
    // A private copy, so that nobody can change the bundled data for later loads.
    const result = validateTemplate(structuredClone(builtin.data), builtin.fileName);
    if (!result.ok) {
      problems.push({ file, reason: result.reason });
      continue;
    }
    bySlug.set(result.template.slug, { ...result.template, source: 'builtin', sourceFile: file });
  }

  const workspace = await loadWorkspaceTemplates(options.workspaceDir, options.fs ?? nodeTemplateFileSystem);
  problems.push(...workspace.problems);
  for (const loaded of workspace.templates) bySlug.set(loaded.slug, loaded);

  const templates = [...bySlug.values()].sort((a, b) => compare(a.slug, b.slug));
  return { templates, problems };
}

async function loadWorkspaceTemplates(
  workspaceDir: string,
  fs: TemplateFileSystem,
): Promise<TemplateCatalog> {
  const dir = join(workspaceDir, TEMPLATES_FOLDER);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return { templates: [], problems: [] };
    const reason = code === 'ENOTDIR' ? 'is not a folder' : `cannot be listed: ${errorMessage(error)}`;
    return { templates: [], problems: [{ file: TEMPLATES_FOLDER, reason }] };
  }

  const templates: LoadedTemplate[] = [];
  const problems: TemplateProblem[] = [];
  const fileBySlug = new Map<string, string>();
  const jsonFiles = names.filter((name) => name.toLowerCase().endsWith('.json')).sort(compare);
  for (const name of jsonFiles) {
    const file = workspaceTemplateFile(name);
    let text: string;
    try {
      text = await fs.readText(join(dir, name), { maxBytes: MAX_TEMPLATE_BYTES, workspaceDir });
    } catch (error) {
      const reason =
        error instanceof FileRefusedError
          ? error.message
          : errorCode(error) === 'EISDIR'
            ? 'is a folder, not a file'
            : `cannot be read: ${errorMessage(error)}`;
      problems.push({ file, reason });
      continue;
    }
    const result = parseTemplate(text, name);
    if (!result.ok) {
      problems.push({ file, reason: result.reason });
      continue;
    }
    // `a-b.json` and `a_b.json` both claim slug `a_b`; the first one (by name) wins.
    const earlier = fileBySlug.get(result.template.slug);
    if (earlier !== undefined) {
      problems.push({ file, reason: `slug "${result.template.slug}" is already defined by ${earlier}` });
      continue;
    }
    fileBySlug.set(result.template.slug, file);
    templates.push({ ...result.template, source: 'workspace', sourceFile: file });
  }
  return { templates, problems };
}

/** The summary a client lists: the fields of `templates/list`. */
export function summarizeTemplate(loaded: LoadedTemplate): {
  slug: string;
  name: string;
  description: string;
  category: string;
  source: TemplateSource;
} {
  const { slug, name, description, category } = loaded;
  return { slug, name, description, category, source: loaded.source };
}

// Code-unit order, so the result does not depend on the machine's locale.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
