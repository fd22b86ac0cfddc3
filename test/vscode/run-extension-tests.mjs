// Runs the extension's mocha suite inside code-server's real extension host. The workbench URL
// carries the development and tests paths (as @vscode/test-electron would pass them); the test
// runner's output arrives through codeAutomationLog and its exit code through codeAutomationExit.
// Env: CS_URL, WS, EXT_DEV_PATH, EXT_TESTS_PATH, PW_CORE, optional EXT_TESTS_ENV (JSON), VERBOSE.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { format } from 'node:util';

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PW_CORE);

const base = process.env.CS_URL;
const workspace = resolve(process.env.WS);
const devPath = resolve(process.env.EXT_DEV_PATH);
const testsPath = resolve(process.env.EXT_TESTS_PATH);
// A safety net for a hung workbench, far above the suite's normal run time.
const limitMs = Number(process.env.TEST_TIMEOUT_MS ?? 300_000);
// Workbench chatter that is not test output.
const noise =
  /authentication provider 'github'|static\/out\/vs\/|open-vsx|ENOTFOUND|vsda|Failed to load resource|^(Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|Updating additional builtin|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\])/;

const authority = new URL(base).host;
const remote = (path) => `vscode-remote://${authority}${path}`;
const payload = [
  ['extensionDevelopmentPath', remote(devPath)],
  ['extensionTestsPath', remote(testsPath)],
];
if (process.env.EXT_TESTS_ENV) payload.push(['extensionEnvironment', process.env.EXT_TESTS_ENV]);
const url = `${base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

const profile = mkdtempSync(join(tmpdir(), 'appgen-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
let code = 1;
const started = Date.now();
try {
  const page = context.pages()[0] ?? (await context.newPage());
  let finish;
  const done = new Promise((resolveDone) => {
    finish = resolveDone;
  });
  const timer = setTimeout(() => finish('timeout'), limitMs);
  await page.exposeFunction('codeAutomationExit', (exitCode) => finish(exitCode));
  await page.exposeFunction('codeAutomationLog', (_type, args) => {
    const line = format(...(Array.isArray(args) ? args : [args]));
    if (process.env.VERBOSE || !noise.test(line)) console.log(line);
  });
  if (process.env.VERBOSE) page.on('console', (message) => console.log('[browser]', message.text()));
  page.on('pageerror', (error) => console.log('[pageerror]', error.message));
  await page.goto(url);
  const result = await done;
  clearTimeout(timer);
  if (result === 'timeout') {
    console.log(`extension tests did not finish within ${limitMs} ms`);
    code = 2;
  } else {
    code = Number(result);
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(
  `extension tests finished with exit code ${code} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
process.exit(code);
