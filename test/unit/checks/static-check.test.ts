import { strict as assert } from 'node:assert';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readAppSnapshot } from '../../../daemon/checks/app-snapshot';
import { summarizeCheck } from '../../../daemon/checks/check-summary';
import { PythonCompiler } from '../../../daemon/checks/python-compiler';
import type { PythonCompileResult } from '../../../daemon/checks/python-syntax';
import { runStaticCheck } from '../../../daemon/checks/static-check';
import template from '../../../daemon/templates/builtin/crud_todo_list.json';

const FIXTURES = resolve(__dirname, '../../fixtures/apps');
const python = new PythonCompiler(
  () => ({ setting: '', path: process.env.PATH ?? '', timeoutMs: 20_000 }),
  tmpdir(),
);

async function check(
  app: string,
  compile = (files: Parameters<PythonCompiler['compile']>[0]) => python.compile(files),
) {
  const snapshot = readAppSnapshot(FIXTURES, app);
  assert.ok(snapshot, `${app} is there`);
  const result = await runStaticCheck({
    snapshot,
    endpoints: template.api_endpoints,
    compilePython: compile,
  });
  return { result, summary: summarizeCheck([result], ['static'], '2026-01-01T00:00:00.000Z') };
}

const brief = (findings: { kind: string; file?: string; line?: number }[]) =>
  findings.map((f) => `${f.kind} ${f.file}:${f.line}`);

describe('runStaticCheck on the fixture apps', function () {
  this.timeout(30_000);
  after(() => python.dispose());

  it('passes the app that has everything', async () => {
    const { result, summary } = await check('static-passing');
    assert.deepEqual(result.findings, []);
    assert.equal(summary.verdict, 'passed');
    assert.deepEqual([summary.endpointsOk, summary.endpointsTotal, summary.problems], [6, 6, 0]);
    assert.match(result.notes?.[0] ?? '', /^Python \d+\.\d+\.\d+: 2 file\(s\) compiled$/);
  });

  it('fails the app with a Python syntax error, whose endpoints then do not count', async () => {
    const { result, summary } = await check('static-python-syntax');
    assert.deepEqual(brief(result.findings), ['python_syntax backend/app.py:31']);
    assert.equal(result.findings[0]!.message, "SyntaxError: expected ':'");
    assert.equal(summary.verdict, 'failed');
    assert.deepEqual([summary.endpointsOk, summary.problems], [0, 1]);
    assert.equal(summary.reason, "backend/app.py:31: SyntaxError: expected ':'");
  });

  it('fails the app with a JSX syntax error', async () => {
    const { result, summary } = await check('static-jsx-syntax');
    assert.deepEqual(result.findings, [
      {
        kind: 'js_syntax',
        severity: 'error',
        file: 'frontend/src/components/TodoItem.jsx',
        line: 7,
        column: 7,
        message: 'Expected corresponding JSX closing tag for <label>',
      },
    ]);
    assert.equal(summary.verdict, 'failed');
  });

  it('scores the app with an endpoint missing, and names it', async () => {
    const { result, summary } = await check('static-missing-endpoints');
    assert.deepEqual(
      result.endpoints?.filter((e) => !e.implemented),
      [{ method: 'DELETE', path: '/api/todos/completed', implemented: false }],
    );
    assert.equal(summary.verdict, 'partial');
    assert.deepEqual([summary.endpointsOk, summary.endpointsTotal, summary.problems], [5, 6, 0]);
  });

  it('reports the frontend call of a route the backend lacks', async () => {
    const { result, summary } = await check('static-unknown-route');
    assert.deepEqual(
      result.findings.map((f) => `${f.kind} ${f.file}:${f.line} ${f.message}`),
      [
        'unknown_route frontend/src/api.js:13 fetch calls GET /api/stats/summary, which no route of the backend serves',
      ],
    );
    assert.equal(summary.verdict, 'partial');
    assert.equal(summary.score, 1);
  });

  it('skips the Python part without a Python, and judges the rest', async () => {
    const none = async (): Promise<PythonCompileResult> => ({
      status: 'skipped',
      reason: 'no python3 found',
    });
    const { result, summary } = await check('static-python-syntax', none);
    assert.deepEqual(result.skippedParts, [
      { part: 'python', reason: 'Python files were not compiled: no python3 found' },
    ]);
    assert.equal(summary.verdict, 'passed');
    assert.equal(summary.reason, 'Python files were not compiled: no python3 found');
  });

  it('counts imports of missing files and undeclared packages as problems', async () => {
    const root = mkdtempSync(join(tmpdir(), 'static-imports-'));
    cpSync(join(FIXTURES, 'static-passing'), join(root, 'app'), { recursive: true });
    writeFileSync(join(root, 'app/backend/extra.py'), 'import requests\nfrom helpers import slugify\n');
    writeFileSync(join(root, 'app/backend/app.py'), `import extra\n${'x = 1\n'}`, { flag: 'a' });
    const snapshot = readAppSnapshot(root, 'app')!;
    const result = await runStaticCheck({
      snapshot,
      endpoints: template.api_endpoints,
      compilePython: (files) => python.compile(files),
    });
    assert.deepEqual(brief(result.findings), [
      'undeclared_dependency backend/extra.py:1',
      'unresolved_import backend/extra.py:2',
    ]);
    assert.ok(result.findings.every((f) => f.severity === 'problem'));
  });
});

describe('readAppSnapshot', () => {
  it('reads the sources of both components and what declares their packages, nothing else', () => {
    const snapshot = readAppSnapshot(FIXTURES, 'static-passing')!;
    assert.deepEqual(
      [...snapshot.files.keys()],
      [
        'backend/app.py',
        'backend/requirements.txt',
        'backend/store.py',
        'frontend/index.html',
        'frontend/package.json',
        'frontend/src/App.jsx',
        'frontend/src/api.js',
        'frontend/src/components/TodoItem.jsx',
        'frontend/src/main.jsx',
      ],
    );
  });

  it('is undefined for an app that is not there, refuses a link on the way and leaves out a link inside', () => {
    const root = mkdtempSync(join(tmpdir(), 'snapshot-'));
    assert.equal(readAppSnapshot(root, 'apps/m/app1'), undefined);
    mkdirSync(join(root, 'elsewhere/app1/backend'), { recursive: true });
    symlinkSync(join(root, 'elsewhere'), join(root, 'linked'));
    assert.throws(() => readAppSnapshot(root, 'linked/app1'), { code: 'unsafe_path' });
    mkdirSync(join(root, 'apps/m/app1/backend'), { recursive: true });
    writeFileSync(join(root, 'secret.py'), 'KEY = 1\n');
    symlinkSync(join(root, 'secret.py'), join(root, 'apps/m/app1/backend/app.py'));
    const snapshot = readAppSnapshot(root, 'apps/m/app1')!;
    assert.equal(snapshot.files.size, 0);
    assert.deepEqual(snapshot.leftOut, [
      { file: 'backend/app.py', reason: 'is a symbolic link, which AppGen never follows' },
    ]);
  });
});
