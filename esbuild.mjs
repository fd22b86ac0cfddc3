// Bundles the three programs into dist/: the extension (vscode stays external), the daemon and the
// command line (everything inlined), and copies sql.js's wasm and the prompt files beside them.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const copyWasm = {
  name: 'copy-sql-wasm',
  setup(build) {
    build.onEnd(() => {
      mkdirSync('dist', { recursive: true });
      const wasm = join(dirname(require.resolve('sql.js')), 'sql-wasm.wasm');
      copyFileSync(wasm, join('dist', 'sql-wasm.wasm'));
    });
  },
};

// The prompt files are read at run time from dist/prompts/, where people can read them too.
const copyPrompts = {
  name: 'copy-prompt-files',
  setup(build) {
    build.onEnd(() => {
      mkdirSync(join('dist', 'prompts'), { recursive: true });
      for (const name of readdirSync(join('daemon', 'prompts', 'files'))) {
        if (name.endsWith('.hbs'))
          copyFileSync(join('daemon', 'prompts', 'files', name), join('dist', 'prompts', name));
      }
    });
  },
};

// undici is a bundle of its own, dist/undici-agent.js, that the daemon requires on its first model
// call: inlined, its code would be parsed by every daemon as it starts. The daemon's dynamic import
// of it becomes a require, which spares Node's ES module loader scanning the file for its exports.
const UNDICI_AGENT = 'undici-agent';
const keepUndiciApart = {
  name: 'keep-undici-apart',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^\\./${UNDICI_AGENT}$`) }, () => ({
      path: `./${UNDICI_AGENT}.js`,
      external: true,
    }));
  },
};

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  minify: production,
  // jsonc-parser's UMD "main" cannot be bundled; its ES module build can.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
};

// The comparison view's page script runs in the webview (a browser), its stylesheet beside it.
const copyCompareCss = {
  name: 'copy-compare-css',
  setup(build) {
    build.onEnd(() => {
      mkdirSync('dist', { recursive: true });
      copyFileSync('extension/compare/webview/compare-view.css', join('dist', 'compare-view.css'));
    });
  },
};

const builds = [
  { ...common, entryPoints: { extension: 'extension/main.ts' }, outdir: 'dist', external: ['vscode'] },
  {
    ...common,
    entryPoints: { 'compare-view': 'extension/compare/webview/compare-view.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    plugins: [copyCompareCss],
  },
  {
    ...common,
    entryPoints: { daemon: 'daemon/main.ts' },
    outdir: 'dist',
    plugins: [copyWasm, copyPrompts, keepUndiciApart],
    supported: { 'dynamic-import': false },
  },
  { ...common, entryPoints: { [UNDICI_AGENT]: `daemon/openrouter/${UNDICI_AGENT}.ts` }, outdir: 'dist' },
  {
    ...common,
    entryPoints: { cli: 'cli/main.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
