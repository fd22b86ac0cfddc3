// Drives the real VS Code workbench (code-server) like a person: opens the AppGen view, sets the
// key and generates an app through the command palette, then checks what the tree shows and
// saves screenshots: the welcome view, the template picker naming a skipped template file, the tree
// with running and finished jobs, an error tooltip.
// Env: CS_URL, WS (workspace whose settings point at a simulator), SHOTS (folder), PW_CORE.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PW_CORE);

const base = process.env.CS_URL;
const workspace = resolve(process.env.WS);
const shots = resolve(process.env.SHOTS ?? 'test-results');
mkdirSync(shots, { recursive: true });
const started = Date.now();
const step = (message) => console.log(`[ui ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
const WAIT = { timeout: 30_000 };

/** F1, type the command's title, wait for its row, Enter. */
async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', ...WAIT });
  await input.fill(`>${title}`);
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: title.split(': ').pop() })
    .first()
    .waitFor(WAIT);
  await page.keyboard.press('Enter');
}

/** The quick input once it shows the given prompt or placeholder text. */
async function quickInput(page, text) {
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor({ state: 'visible', ...WAIT });
  await page
    .locator(
      `.quick-input-widget input.input[placeholder*="${text}"], .quick-input-widget .quick-input-message:has-text("${text}")`,
    )
    .first()
    .waitFor(WAIT);
  return widget.locator('input.input');
}

/** A row of the AppGen jobs tree whose accessible label contains all the given words. */
function treeRow(page, ...words) {
  const selector = words.map((word) => `[aria-label*="${word}"]`).join('');
  return page.locator(`.pane-body .monaco-list-row${selector}`).first();
}

const profile = mkdtempSync(join(tmpdir(), 'appgen-ui-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 850 },
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
let ok = false;
const page = browser.pages()[0] ?? (await browser.newPage());
try {
  page.on('pageerror', (error) => console.log('[pageerror]', error.message));
  await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60_000 });
  step('workbench ready');

  // The view container from the manifest; opening it activates the extension.
  const container = page.locator('.activitybar [aria-label^="AppGen"]').first();
  await container.waitFor(WAIT);
  await container.click();
  // A wider side bar, so the screenshots show the items' descriptions.
  const sash = page.locator('.part.sidebar').first();
  const box = await sash.boundingBox();
  if (box) {
    await page.mouse.move(box.x + box.width + 1, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 620, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
  }
  const welcome = page.locator('.welcome-view-content');
  await welcome.locator('a, .monaco-button', { hasText: 'Set OpenRouter API Key' }).first().waitFor(WAIT);
  step('welcome view asks for the API key');
  await page.screenshot({ path: join(shots, 'welcome.png') });

  await runCommand(page, 'AppGen: Set OpenRouter API Key');
  const keyInput = await quickInput(page, 'sk-or-');
  if ((await keyInput.getAttribute('type')) !== 'password')
    throw new Error('the key input box is not a password box');
  await keyInput.fill('sk-or-ui-test-key-0123456789');
  await page.keyboard.press('Enter');
  await welcome.locator('a, .monaco-button', { hasText: 'Generate App' }).first().waitFor(WAIT);
  step('key saved; welcome view offers Generate App');

  // A workspace template that cannot be used: the picker names it, with why, below the templates.
  mkdirSync(join(workspace, '.appgen', 'templates'), { recursive: true });
  writeFileSync(
    join(workspace, '.appgen', 'templates', 'broken-one.json'),
    '{"slug": "broken_one", "name": ',
  );
  await runCommand(page, 'AppGen: Generate App');
  const templateInput = await quickInput(page, 'Template to generate');
  await templateInput.fill('Todo List');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Todo List' }).first().waitFor(WAIT);
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: '.appgen/templates/broken-one.json' })
    .first()
    .waitFor(WAIT);
  step('the template picker lists the skipped template file');
  await page.screenshot({ path: join(shots, 'generate-app-skipped-template.png') });
  await page.keyboard.press('Enter');
  await quickInput(page, 'Models to generate with');
  // The workspace sets appgen.defaultModels, so those models are preselected.
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: 'sim/fail-always' })
    .first()
    .waitFor(WAIT);
  await page.keyboard.press('Enter');
  await quickInput(page, 'next free');
  await page.keyboard.press('Enter');
  step('Generate App submitted with three models');

  const succeeded = treeRow(page, 'sim/alpha · app1', 'succeeded');
  const failed = treeRow(page, 'sim/fail-always · app1', 'failed');
  const running = treeRow(page, 'sim/slow · app1', 'running');
  await succeeded.waitFor(WAIT);
  await failed.waitFor(WAIT);
  await running.waitFor(WAIT);
  // A succeeded app is checked by itself: its icon says the check's state, or a plain success.
  const succeededIcons = [
    'codicon-check',
    'codicon-beaker',
    'codicon-pass-filled',
    'codicon-pass',
    'codicon-circle-large-outline',
  ];
  for (const [row, icons] of [
    [succeeded, succeededIcons],
    [failed, ['codicon-error']],
    [running, ['codicon-sync']],
  ]) {
    const found = await Promise.all(icons.map((icon) => row.locator(`.${icon}`).count()));
    if (!found.some((count) => count > 0))
      throw new Error(`a tree row lacks its icon (one of ${icons.join(', ')})`);
  }
  const statusItem = page.locator('.statusbar-item', { hasText: 'AppGen: 1 running' }).first();
  await statusItem.waitFor(WAIT);
  step('tree shows succeeded, failed and running jobs; status bar counts the running one');
  await page.mouse.move(5, 840);
  await page.screenshot({ path: join(shots, 'tree-running-and-finished.png') });

  await failed.hover();
  const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'upstream' }).first();
  await hover.waitFor(WAIT);
  const text = (await hover.textContent()) ?? '';
  if (!/Error/.test(text) || !/HTTP 500/.test(text)) throw new Error(`the error tooltip reads: ${text}`);
  step("the failed job's tooltip shows its error");
  await page.screenshot({ path: join(shots, 'error-tooltip.png') });

  // A batch naming a template nobody has: the plan names it with the closest slug and offers no
  // Start, so nothing is spent on jobs that could only fail.
  writeFileSync(
    join(workspace, 'appgen.batch.json'),
    '{"models": ["sim/alpha"], "templates": ["crud_todo_lst"], "repeat": 1}\n',
  );
  await runCommand(page, 'AppGen: Run Batch');
  await quickInput(page, 'Batch file to run');
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: 'appgen.batch.json' })
    .first()
    .waitFor(WAIT);
  await page.keyboard.press('Enter');
  const dialog = page.locator('.monaco-dialog-box').first();
  await dialog.waitFor(WAIT);
  await dialog.locator('text=crud_todo_list').first().waitFor(WAIT);
  const dialogText = (await dialog.textContent()) ?? '';
  if (!/Unknown template "crud_todo_lst"/.test(dialogText)) throw new Error(`the plan reads: ${dialogText}`);
  if ((await dialog.locator('.monaco-button', { hasText: /^Start$/ }).count()) > 0)
    throw new Error('the plan of a batch with an unknown template offers Start');
  step('the plan names the unknown template, suggests the close one, and offers no Start');
  await page.screenshot({ path: join(shots, 'batch-plan-unknown-template.png') });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden', ...WAIT });

  // The comparison view, in a dark and a light theme: it takes its colours from the theme.
  await runCommand(page, 'AppGen: Compare');
  await quickInput(page, 'Compare which runs?');
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: 'crud_todo_list' })
    .first()
    .waitFor(WAIT);
  await page.keyboard.press('Enter');
  const view = page.frameLocator('iframe.webview').frameLocator('iframe');
  await view.locator('table.matrix').waitFor(WAIT);
  await view.locator('button.run', { hasText: 'app1' }).first().waitFor(WAIT);
  const cells = await view.locator('button.run').count();
  if (cells < 3) throw new Error(`the comparison shows ${cells} runs, not the three generated`);
  step('the comparison view shows every run of the template');
  // The theme is switched through the workspace's settings file, which the workbench watches.
  const workspaceSettings = join(workspace, '.vscode', 'settings.json');
  for (const [name, theme, cls] of [
    ['dark', 'Default Dark Modern', 'vs-dark'],
    ['light', 'Default Light Modern', 'vs'],
  ]) {
    const themed = page.locator(`.monaco-workbench.${cls}`).first();
    const settings = JSON.parse(readFileSync(workspaceSettings, 'utf8'));
    writeFileSync(workspaceSettings, JSON.stringify({ ...settings, 'workbench.colorTheme': theme }, null, 2));
    await themed.waitFor({ timeout: 15_000 }).catch(() => undefined);
    if ((await themed.count()) === 0) console.log(`[ui] the workbench did not take the ${name} theme`);
    await view.locator('table.matrix').waitFor(WAIT);
    await page.screenshot({ path: join(shots, `compare-${name}.png`) });
  }
  step('screenshots of the comparison in a dark and a light theme');
  ok = true;
} catch (error) {
  console.log('UI test failed:', error.message);
  await page.screenshot({ path: join(shots, 'ui-failure.png') }).catch(() => undefined);
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(ok ? 'UI test passed' : 'UI test FAILED');
process.exit(ok ? 0 : 1);
