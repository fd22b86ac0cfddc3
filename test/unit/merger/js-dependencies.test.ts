import { strict as assert } from 'node:assert';
import { jsImportedPackages, packageOfSpecifier } from '../../../daemon/merger/js-imports';
import { npmVersionRange } from '../../../daemon/merger/npm-versions';
import { addPackageDependencies } from '../../../daemon/merger/package-json-file';

describe('jsImportedPackages', () => {
  it('lists packages of every import form, once each, in order', () => {
    const source = [
      "import React, { useState } from 'react';",
      'import axios from "axios";',
      "import * as d3 from 'd3';",
      "import 'bootstrap/dist/css/bootstrap.min.css';",
      "import Button from '@mui/material/Button';",
      "export { default as X } from 'some-lib';",
      "export * from '@scope/pkg/sub/deep';",
      "const dayjs = require('dayjs');",
      "const Chart = lazy(() => import('chart.js'));",
      "import type { Foo } from 'foo-types';",
      "import axios2 from 'axios';",
    ].join('\n');
    assert.deepEqual(jsImportedPackages(source), [
      'react',
      'axios',
      'd3',
      'bootstrap',
      '@mui/material',
      'some-lib',
      '@scope/pkg',
      'dayjs',
      'chart.js',
      'foo-types',
    ]);
  });

  it('follows an import list over several lines to its from clause', () => {
    const source = "import {\n  BrowserRouter,\n  Routes,\n  Route,\n} from 'react-router-dom';\n";
    assert.deepEqual(jsImportedPackages(source), ['react-router-dom']);
  });

  it('skips relative and absolute paths, schemes, aliases and Node built-ins', () => {
    const source = [
      "import App from './App';",
      "import x from '../lib/x';",
      "import y from '/abs/y';",
      "import fs from 'fs';",
      "import path from 'node:path';",
      "import z from '@/components/Z';",
      "import w from '~/w';",
      "import v from 'virtual:module';",
      "import u from 'https://cdn.example.com/u.js';",
      "import events from 'events';",
    ].join('\n');
    assert.deepEqual(jsImportedPackages(source), []);
  });

  it('does not take prose in JSX for an import', () => {
    const source = 'return (\n  <p>\n    Data from "the server" and from \'cache\'\n  </p>\n);\n';
    assert.deepEqual(jsImportedPackages(source), []);
  });

  it('rejects specifiers that are not valid package names', () => {
    assert.equal(packageOfSpecifier('Not A Package'), undefined);
    assert.equal(packageOfSpecifier('UpperCase'), undefined);
    assert.equal(packageOfSpecifier('@scope'), undefined);
    assert.equal(packageOfSpecifier(''), undefined);
    assert.equal(packageOfSpecifier(`${'a'.repeat(215)}`), undefined);
    assert.equal(packageOfSpecifier('lodash/debounce'), 'lodash');
  });
});

describe('npmVersionRange', () => {
  it('gives caret ranges for well-known packages and "latest" otherwise', () => {
    assert.match(npmVersionRange('axios'), /^\^1\./);
    assert.match(npmVersionRange('react'), /^\^18\./);
    assert.equal(npmVersionRange('some-unknown-package'), 'latest');
  });
});

describe('addPackageDependencies', () => {
  const manifest = `${JSON.stringify(
    {
      name: 'frontend',
      scripts: { dev: 'vite' },
      dependencies: { react: '^18.3.1', 'react-dom': '^18.3.1' },
      devDependencies: { vite: '^5.4.11' },
    },
    null,
    2,
  )}\n`;

  it('adds missing packages to dependencies, sorted, keeping the other fields in place', () => {
    const updated = addPackageDependencies(manifest, {
      dependencies: ['react', 'zustand', 'axios'],
      devDependencies: [],
    });
    const parsed = JSON.parse(updated!);
    assert.deepEqual(Object.keys(parsed), ['name', 'scripts', 'dependencies', 'devDependencies']);
    assert.deepEqual(Object.keys(parsed.dependencies), ['axios', 'react', 'react-dom', 'zustand']);
    assert.equal(parsed.dependencies.react, '^18.3.1');
    assert.equal(parsed.dependencies.axios, npmVersionRange('axios'));
    assert.ok(updated!.endsWith('}\n'));
  });

  it('does not add a package any dependency section already lists', () => {
    assert.equal(
      addPackageDependencies(manifest, { dependencies: ['react', 'vite'], devDependencies: ['react-dom'] }),
      undefined,
    );
  });

  it('adds tooling packages to devDependencies', () => {
    const updated = JSON.parse(
      addPackageDependencies(manifest, { dependencies: [], devDependencies: ['@vitejs/plugin-react'] })!,
    );
    assert.ok('@vitejs/plugin-react' in updated.devDependencies);
    assert.ok(!('@vitejs/plugin-react' in updated.dependencies));
  });

  it('keeps the indentation of the file', () => {
    const tabbed = '{\n\t"name": "x"\n}';
    const updated = addPackageDependencies(tabbed, { dependencies: ['axios'], devDependencies: [] })!;
    assert.ok(updated.startsWith('{\n\t"name": "x",\n\t"dependencies": {\n\t\t"axios"'), updated);
    assert.ok(!updated.endsWith('\n'));
  });

  it('starts a minimal manifest when there is none', () => {
    const created = JSON.parse(
      addPackageDependencies(undefined, { dependencies: ['react'], devDependencies: [] })!,
    );
    assert.equal(created.private, true);
    assert.deepEqual(created.dependencies, { react: npmVersionRange('react') });
  });

  it('leaves a broken or odd manifest alone', () => {
    const additions = { dependencies: ['axios'], devDependencies: [] };
    assert.equal(addPackageDependencies('{ not json', additions), undefined);
    assert.equal(addPackageDependencies('[]', additions), undefined);
    assert.equal(addPackageDependencies('{"dependencies": "axios"}', additions), undefined);
  });
});
