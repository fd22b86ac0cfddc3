import type { Component } from '../../shared/job';
import { COMPONENT_FOLDERS, MAIN_FILES } from '../../shared/workspace-layout';
import { DaemonError } from '../daemon-error';
import { type CodeBlock, scanFences } from './fence-scanner';
import type { FileWrite } from './file-write';
import { extensionOf, parseInfoString } from './info-string';
import { readPathComment } from './path-comment';
import { fitsBlock, readProsePath } from './prose-path';
import { normaliseRelativePath, safeAppPath } from './safe-app-path';

const MAIN_LANGUAGES: Readonly<Record<Component, ReadonlySet<string>>> = {
  backend: new Set(['python', 'py', 'python3', 'py3']),
  frontend: new Set(['jsx', 'js', 'javascript', 'tsx', 'react', 'javascriptreact', 'typescriptreact']),
};

// Blocks without a language tag count as the component's language only when they clearly are:
// a backend block with Python imports or defs, a frontend block with ES imports or exports.
// Written so that no two quantifiers compete for the same characters: linear on any line.
const LOOKS_LIKE_MAIN_LANGUAGE: Readonly<Record<Component, RegExp>> = {
  backend:
    /^[ \t]*(?:from[ \t]+[\w.]+[ \t]+import[ \t]|import[ \t]+[\w.]+(?:,[ \t]*[\w.]+)*(?:[ \t]+as[ \t]+\w+)?$|def[ \t]+\w+\()/m,
  frontend:
    /^[ \t]*(?:import[ \t][^\n]*['"];?$|export[ \t]+default[ \t]|export[ \t]+(?:function|const)[ \t])/m,
};

// Some models wrap their whole answer in one ```markdown block; its inner blocks are the code.
const WRAPPER_LANGUAGES = new Set(['markdown', 'md']);
const MAX_WRAPPER_DEPTH = 2;

const TRUNCATING_FINISH_REASONS = new Set(['length', 'max_tokens']);

// A bare `App.jsx`, `api.js` or `index.css` in a frontend answer means the Vite source folder,
// where the entry point imports it from; configuration (vite.config.js, .eslintrc.js) and other
// bare names (index.html, package.json) stay at the frontend root.
const FRONTEND_SOURCE_FILE = /\.(?:jsx|tsx|js|ts|css)$/i;
const FRONTEND_ROOT_FILE = /^\.|\.config\.[^.]+$/i;

interface AnnotatedBlock {
  language: string;
  path?: string;
  /** Where the path came from: the fence or the block itself (`named`), or the prose before it. */
  pathFrom?: 'named' | 'prose';
  content: string;
  line: number;
}

/**
 * Turns one component's answer into the files it writes.
 *
 * - A block's path comes from, in this order: its info string, its first-line comment, the line of
 *   prose just before it when that line names one file (see `readProsePath`, and `fitsBlock`: a
 *   bash block after "Install `requirements.txt`:" is no requirements file).
 * - A block with a path writes that file inside the component's folder. For one path, a block named
 *   in its fence or first line wins over one named in prose; of those named alike, the last wins,
 *   except that of prose-named blocks the largest wins (models follow a file with a short excerpt
 *   of it: "add this to `app.py`:"). A path into the other component's folder (`backend/...` in a
 *   frontend answer) is checked but not written: that answer owns it.
 * - Blocks inside a `<think>` section are drafts and are never written (see `scanFences`).
 * - Blocks without a path in the component's language are candidates for its main file
 *   (`MAIN_FILES`); the largest one is used, since models often add short usage snippets around the
 *   full file, and only when no annotated block already writes that file.
 * - Every other block (shell commands, JSON examples, text) and all prose is ignored.
 *
 * Throws `DaemonError` `truncated` (finish reason `length`, or a fence left open), `unsafe_path`
 * (any annotated path leaving the app), or `no_code` (nothing to write).
 */
export function extractComponentFiles(
  component: Component,
  answer: string,
  finishReason: string | null,
): FileWrite[] {
  if (finishReason !== null && TRUNCATING_FINISH_REASONS.has(finishReason)) {
    throw new DaemonError(
      'truncated',
      `The ${component} answer was cut off at the output token limit (finish_reason "${finishReason}").`,
    );
  }
  const files = new Map<string, { content: string; fromProse: boolean }>();
  let main: string | undefined;
  let blockCount = 0;
  for (const block of annotatedBlocks(component, answer, 0, 0)) {
    blockCount++;
    if (block.path !== undefined) {
      const path = componentFilePath(component, block);
      const earlier = path === undefined ? undefined : files.get(path);
      const fromProse = block.pathFrom === 'prose';
      const replaces =
        earlier === undefined ||
        (fromProse ? earlier.fromProse && block.content.length >= earlier.content.length : true);
      if (path !== undefined && replaces) {
        files.set(path, { content: block.content, fromProse });
      }
    } else if (
      isMainCandidate(component, block) &&
      (main === undefined || block.content.length > main.length)
    ) {
      main = block.content;
    }
  }
  const mainPath = MAIN_FILES[component];
  if (main !== undefined && !files.has(mainPath)) files.set(mainPath, { content: main, fromProse: false });
  if (files.size === 0) {
    const found = blockCount === 0 ? 'no code block' : `${blockCount} code block(s), none usable`;
    throw new DaemonError(
      'no_code',
      `The ${component} answer has no code for the ${component}: ${found} (expected a block in ` +
        `${[...MAIN_LANGUAGES[component]][0]} or one naming a file).`,
    );
  }
  return [...files].map(([path, file]) => ({ path, content: file.content }));
}

function annotatedBlocks(
  component: Component,
  text: string,
  depth: number,
  lineOffset: number,
): AnnotatedBlock[] {
  const scan = scanFences(text);
  const { unclosed } = scan;
  // A lone bare fence at the very end is a stray closing fence, not a block cut off.
  if (unclosed !== undefined && !(unclosed.info === '' && unclosed.content.trim() === '')) {
    throw new DaemonError(
      'truncated',
      `The ${component} answer ends inside the code block opened at line ${lineOffset + unclosed.line}: ` +
        'it was cut off.',
    );
  }
  const result: AnnotatedBlock[] = [];
  for (const block of scan.blocks) {
    const annotated = annotate(block, lineOffset);
    if (
      annotated.path === undefined &&
      WRAPPER_LANGUAGES.has(annotated.language) &&
      depth < MAX_WRAPPER_DEPTH
    ) {
      result.push(...annotatedBlocks(component, block.content, depth + 1, lineOffset + block.line));
    } else {
      result.push(annotated);
    }
  }
  return result;
}

function annotate(block: CodeBlock, lineOffset: number): AnnotatedBlock {
  const line = lineOffset + block.line;
  const info = parseInfoString(block.info);
  if (info.path !== undefined)
    return { language: info.language, path: info.path, pathFrom: 'named', content: block.content, line };
  const comment = readPathComment(block.content);
  if (comment !== undefined) {
    // JSON has no comments: a `// package.json` line would make the file unparseable.
    const content = extensionOf(comment.path) === 'json' ? block.content.slice(comment.end) : block.content;
    const language = info.language || extensionOf(comment.path);
    return { language, path: comment.path, pathFrom: 'named', content, line };
  }
  const prose = block.lead === undefined ? undefined : readProsePath(block.lead);
  if (prose !== undefined && fitsBlock(info.language, prose, block.content)) {
    const language = info.language || extensionOf(prose);
    return { language, path: prose, pathFrom: 'prose', content: block.content, line };
  }
  return { language: info.language, content: block.content, line };
}

function isMainCandidate(component: Component, block: AnnotatedBlock): boolean {
  if (block.content.trim() === '') return false;
  if (MAIN_LANGUAGES[component].has(block.language)) return true;
  return block.language === '' && LOOKS_LIKE_MAIN_LANGUAGE[component].test(block.content);
}

// The app path of an annotated block, or undefined when it belongs to the other component.
function componentFilePath(component: Component, block: AnnotatedBlock): string | undefined {
  const rawPath = block.path!;
  let segments: string[];
  try {
    segments = normaliseRelativePath(rawPath);
  } catch (error) {
    if (!(error instanceof DaemonError)) throw error;
    // Say where the path came from, for whoever reads the raw answer next to the error.
    throw new DaemonError(
      error.code,
      `${error.message.replace(/\.$/, '')} (${component} answer, code block at line ${block.line}).`,
    );
  }
  const other = component === 'backend' ? COMPONENT_FOLDERS.frontend : COMPONENT_FOLDERS.backend;
  if (segments.length > 1 && segments[0]!.toLowerCase() === other) return undefined;
  const path = safeAppPath(component, rawPath);
  const name = segments[0]!;
  if (
    component === 'frontend' &&
    segments.length === 1 &&
    FRONTEND_SOURCE_FILE.test(name) &&
    !FRONTEND_ROOT_FILE.test(name)
  ) {
    return `${COMPONENT_FOLDERS.frontend}/src/${name}`;
  }
  return path;
}
