/**
 * The static level: reads an app's code and runs none of it. Python files must compile, JavaScript
 * and JSX files must parse, the backend must declare the template's endpoints, the frontend must
 * call only routes the backend has, and every import must name a file of the app or a declared
 * package (the merger's own import check, run on the app as it is now).
 */

import { checkAppImports } from '../merger/import-check';
import { extractRoutes } from '../prompts/extract-routes';
import type { TemplateEndpoint } from '../templates/template';
import type { AppSnapshot } from './app-snapshot';
import { checkContract } from './contract-check';
import { frontendCalls, type ParsedFile } from './frontend-calls';
import { parseJavaScript } from './js-syntax';
import type { CheckFinding, LevelResult, SkippedPart } from './level-result';
import type { PythonCompileResult, PythonSource } from './python-syntax';

export interface StaticCheckInput {
  snapshot: AppSnapshot;
  /** The template's endpoints, or why they are not known (the template is gone). */
  endpoints: readonly Pick<TemplateEndpoint, 'method' | 'path'>[] | { unknown: string };
  /** Compiles Python sources (see `compilePython`), or says why it cannot. */
  compilePython: (files: PythonSource[]) => Promise<PythonCompileResult>;
}

const PYTHON = /^backend\/.+\.py$/;
const JAVASCRIPT = /^frontend\/.+\.(?:[cm]?js|jsx)$/;
const TYPESCRIPT = /^frontend\/.+\.tsx?$/;
const IMPORT_CODES = new Set(['unresolved_import', 'undeclared_dependency']);

export async function runStaticCheck(input: StaticCheckInput): Promise<LevelResult> {
  const { snapshot } = input;
  const findings: CheckFinding[] = [];
  const skippedParts: SkippedPart[] = snapshot.leftOut.map(({ file, reason }) => ({ part: file, reason }));
  const notes: string[] = [];
  const files = [...snapshot.files];

  const python = files.filter(([path]) => PYTHON.test(path)).map(([file, source]) => ({ file, source }));
  const compiled = await input.compilePython(python);
  const broken = new Set<string>();
  if (compiled.status === 'ran') {
    for (const finding of compiled.findings) broken.add(finding.file!);
    findings.push(...compiled.findings);
    if (python.length > 0) notes.push(`Python ${compiled.version}: ${python.length} file(s) compiled`);
  } else if (python.length > 0) {
    skippedParts.push({ part: 'python', reason: `Python files were not compiled: ${compiled.reason}` });
  }

  const parsed: ParsedFile[] = [];
  for (const [file, source] of files) {
    if (!JAVASCRIPT.test(file)) continue;
    const result = parseJavaScript(file, source);
    if (result.ok) parsed.push({ file, program: result.program });
    else findings.push(result.finding);
  }
  const typescript = files.filter(([path]) => TYPESCRIPT.test(path)).length;
  if (typescript > 0)
    notes.push(`${typescript} TypeScript file(s) not parsed (only their imports are checked)`);

  // A file Python cannot compile cannot be imported: the endpoints it declares are not there. The
  // frontend's calls are held against every route the backend declares, so that one syntax error
  // is reported once and not again as every call the frontend makes.
  const declared = extractRoutes(python.map((file) => file.source).join('\n'));
  const working =
    broken.size === 0
      ? declared
      : extractRoutes(
          python
            .filter((file) => !broken.has(file.file))
            .map((file) => file.source)
            .join('\n'),
        );
  const calls = frontendCalls(parsed);
  findings.push(...checkContract({ endpoints: [], routes: declared, calls }).findings);
  let endpoints: LevelResult['endpoints'];
  if ('unknown' in input.endpoints) {
    skippedParts.push({ part: 'endpoints', reason: input.endpoints.unknown });
  } else {
    endpoints = checkContract({ endpoints: input.endpoints, routes: working, calls: [] }).endpoints;
  }

  const warnings = checkAppImports({
    files: files.map(([path, content]) => ({ path, content })),
    readCurrent: () => undefined,
  });
  for (const warning of warnings) {
    if (!IMPORT_CODES.has(warning.code)) continue;
    findings.push({
      kind: warning.code,
      severity: 'problem',
      ...(warning.file ? { file: warning.file } : {}),
      ...(warning.line ? { line: warning.line } : {}),
      message: warning.message,
    });
  }

  return {
    level: 'static',
    status: 'ran',
    ...(endpoints ? { endpoints } : {}),
    findings: findings.sort(byPlace),
    ...(skippedParts.length > 0 ? { skippedParts } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

function byPlace(a: CheckFinding, b: CheckFinding): number {
  const fa = a.file ?? '';
  const fb = b.file ?? '';
  return (
    (fa < fb ? -1 : fa > fb ? 1 : 0) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)
  );
}
