import { strict as assert } from 'node:assert';
import { posix, win32 } from 'node:path';
import fc from 'fast-check';
import { DaemonError } from '../../../daemon/daemon-error';
import { extractComponentFiles } from '../../../daemon/merger/extract-files';
import { scanFences } from '../../../daemon/merger/fence-scanner';
import { planAppMerge } from '../../../daemon/merger/plan-app-merge';
import { safeAppPath } from '../../../daemon/merger/safe-app-path';
import type { Component } from '../../../shared/job';

// Pieces that make paths dangerous, mixed with ordinary ones so that safe paths come up too.
const pathPiece = fc.oneof(
  fc.constantFrom(
    '..',
    '.',
    '/',
    '\\',
    '//',
    '\\\\',
    'C:',
    'c:',
    ':',
    '\u0000',
    '\u202e',
    ' ',
    '~',
    '%2e%2e',
    '.git',
  ),
  fc.constantFrom('backend', 'frontend', 'src', 'app.py', 'App.jsx', 'a', '...', '.. ', 'CON', '\t', '\n'),
  fc.string({ unit: 'binary-ascii', maxLength: 4 }),
);
const hostilePath = fc.oneof(
  fc.array(pathPiece, { maxLength: 12 }).map((pieces) => pieces.join('')),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const component = fc.constantFrom<Component>('backend', 'frontend');

/** Everything a returned path must be, checked against both path flavours. */
function assertInsideComponent(path: string, expected: Component): void {
  assert.ok(path.startsWith(`${expected}/`), `${JSON.stringify(path)} is not under ${expected}/`);
  assert.ok(!path.includes('\\'), `${JSON.stringify(path)} has a backslash`);
  assert.ok(!posix.isAbsolute(path) && !win32.isAbsolute(path), `${JSON.stringify(path)} is absolute`);
  assert.equal(posix.normalize(path), path, `${JSON.stringify(path)} is not normalised`);
  const segments = path.split('/');
  assert.ok(
    segments.every((s) => s !== '' && s !== '.' && s !== '..'),
    `${JSON.stringify(path)} has an empty, "." or ".." segment`,
  );
  assert.ok(!/[\u0000-\u001f:]/.test(path), `${JSON.stringify(path)} has a control character or colon`);
  assert.ok(posix.resolve('/app', path).startsWith(`/app/${expected}/`));
  assert.ok(win32.resolve('C:\\app', path).startsWith(`C:\\app\\${expected}\\`));
}

function isExpectedRefusal(error: unknown): boolean {
  return error instanceof DaemonError && ['unsafe_path', 'no_code', 'truncated'].includes(error.code);
}

// An answer made of prose and blocks whose info strings and first lines carry hostile paths.
const hostileAnswer = fc
  .array(
    fc.oneof(
      fc.constantFrom('Here is the code:\n', 'Run `npm install`.\n', '\n'),
      // Prose lines that name the next block's file.
      fc
        .tuple(fc.constantFrom('### ', '**', 'File: ', '1. `', 'Here is `'), hostilePath)
        .map(([head, path]) => `${head}${path.replace(/[\r\n]/g, ' ')}${head.includes('`') ? '`:' : ''}\n`),
      fc.record({
        ticks: fc.constantFrom('```', '````', '~~~'),
        language: fc.constantFrom('', 'python', 'jsx', 'js', 'bash', 'json', 'markdown'),
        separator: fc.constantFrom(' ', ':', ' filename=', ' title='),
        path: fc.option(hostilePath, { nil: undefined }),
        firstLine: fc.option(
          hostilePath.map((p) => `# file: ${p}`),
          { nil: undefined },
        ),
        body: fc.constantFrom(
          'x = 1',
          "import React from 'react';\nexport default function App() {}",
          'pip install x',
        ),
        close: fc.boolean(),
      }),
    ),
    { maxLength: 6 },
  )
  .map((parts) =>
    parts
      .map((part) => {
        if (typeof part === 'string') return part;
        const info =
          part.path === undefined ? part.language : `${part.language}${part.separator}${part.path}`;
        const lines = [part.firstLine, part.body].filter((l) => l !== undefined).join('\n');
        return `${part.ticks}${info.replace(/\n/g, ' ')}\n${lines}\n${part.close ? `${part.ticks}\n` : ''}`;
      })
      .join(''),
  );

describe('merger properties', () => {
  it('safeAppPath returns only normalised paths inside the component folder, or refuses with unsafe_path', () => {
    fc.assert(
      fc.property(component, hostilePath, (comp, raw) => {
        let path: string;
        try {
          path = safeAppPath(comp, raw);
        } catch (error) {
          assert.ok(error instanceof DaemonError && error.code === 'unsafe_path', String(error));
          return;
        }
        assertInsideComponent(path, comp);
      }),
      { numRuns: 2000 },
    );
  });

  it('extractComponentFiles never yields a path outside the component folder, whatever the answer', () => {
    fc.assert(
      fc.property(component, hostileAnswer, fc.constantFrom('stop', null), (comp, answer, finish) => {
        let files: ReturnType<typeof extractComponentFiles>;
        try {
          files = extractComponentFiles(comp, answer, finish);
        } catch (error) {
          assert.ok(isExpectedRefusal(error), String(error));
          return;
        }
        assert.ok(files.length > 0);
        for (const file of files) assertInsideComponent(file.path, comp);
      }),
      { numRuns: 2000 },
    );
  });

  it('extractComponentFiles on arbitrary text either refuses with a contract code or stays inside', () => {
    fc.assert(
      fc.property(component, fc.string({ unit: 'binary-ascii', maxLength: 400 }), (comp, answer) => {
        try {
          for (const file of extractComponentFiles(comp, answer, 'stop'))
            assertInsideComponent(file.path, comp);
        } catch (error) {
          assert.ok(isExpectedRefusal(error), String(error));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('planAppMerge adds only files inside the app to what it was given', () => {
    fc.assert(
      fc.property(hostileAnswer, hostileAnswer, (backendAnswer, frontendAnswer) => {
        const writes = [];
        try {
          writes.push(...extractComponentFiles('backend', backendAnswer, 'stop'));
          writes.push(...extractComponentFiles('frontend', frontendAnswer, 'stop'));
        } catch (error) {
          assert.ok(isExpectedRefusal(error), String(error));
          return;
        }
        for (const file of planAppMerge({ writes, readCurrent: () => undefined })) {
          assertInsideComponent(file.path, file.path.startsWith('backend/') ? 'backend' : 'frontend');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('scanFences gives back the bodies and info strings of blocks fenced longer than anything inside', () => {
    const line = fc.oneof(
      fc.constantFrom('```', '~~~', '```python', '````', '    ```', ''),
      fc.string({ unit: fc.constantFrom('a', ' ', '`', '~', '#', '.'), maxLength: 12 }),
    );
    const block = fc.record({
      info: fc.constantFrom('', 'python', 'jsx src/App.jsx', 'md README.md'),
      lines: fc.array(line, { maxLength: 6 }),
    });
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 4 }), (blocks) => {
        const text = blocks
          .map(({ info, lines }) => {
            const longest = Math.max(
              0,
              ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((r) => r.length))),
            );
            const ticks = '`'.repeat(Math.max(3, longest + 1));
            return `Prose.\n${ticks}${info}\n${lines.map((l) => `${l}\n`).join('')}${ticks}\n`;
          })
          .join('');
        const scan = scanFences(text);
        assert.equal(scan.unclosed, undefined);
        assert.deepEqual(
          scan.blocks.map((b) => ({ info: b.info, content: b.content })),
          blocks.map(({ info, lines }) => ({ info, content: lines.map((l) => `${l}\n`).join('') })),
        );
      }),
      { numRuns: 1000 },
    );
  });
});
