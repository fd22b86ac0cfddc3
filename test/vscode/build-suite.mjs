// Bundles the in-editor test suite (and the simulator it starts) into out/test/vscode/index.js.
// vscode comes from the extension host and mocha from node_modules at run time.
import * as esbuild from 'esbuild';

await esbuild.build({
  entryPoints: { index: 'test/vscode/suite/index.ts' },
  outdir: 'out/test/vscode',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  mainFields: ['module', 'main'],
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
