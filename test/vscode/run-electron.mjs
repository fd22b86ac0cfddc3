// The same in-editor suite through @vscode/test-electron, for machines that can download VS Code
// (`node test/vscode/run-electron.mjs` after `npm run build`). CI and offline machines use run.sh,
// which runs the suite in code-server instead.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
execFileSync(process.execPath, [join(root, 'test', 'vscode', 'build-suite.mjs')], {
  cwd: root,
  stdio: 'inherit',
});
const workspace = mkdtempSync(join(tmpdir(), 'appgen-ws-'));
mkdirSync(join(workspace, '.vscode'));
// Nothing may reach the internet before the suite points appgen.baseUrl at its simulator.
writeFileSync(
  join(workspace, '.vscode', 'settings.json'),
  JSON.stringify({
    'appgen.baseUrl': 'http://127.0.0.1:9/api/v1',
    'appgen.backoffBaseMs': 20,
    'appgen.maxRetries': 1,
  }),
);
let code = 0;
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out', 'test', 'vscode', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  code = 1;
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
process.exit(code);
