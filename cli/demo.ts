/**
 * `appgen demo`: the whole product against the built-in OpenRouter simulator on 127.0.0.1. Writes
 * an example batch (four simulated models, three templates; one model fails once and recovers, one
 * fails every time) into a fresh demo workspace and runs it like `appgen run`. No key, no network.
 */
import { promises as fs } from 'node:fs';
import { join, relative } from 'node:path';
import { startSimulator } from '../daemon/simulator/simulator';
import { modelSlug } from '../shared/model-slug';
import { SETTINGS } from '../shared/settings';
import { BATCH_FILE, HISTORY_FILE, modelFolder, REPORTS_FOLDER } from '../shared/workspace-layout';
import { type CliContext, runBatch, UsageError } from './commands';

export const DEMO_MODELS = ['sim/alpha', 'sim/beta', 'sim/flaky', 'sim/fail-always'];
export const DEMO_TEMPLATES = ['crud_todo_list', 'api_url_shortener', 'kanban_board'];
/** The demo's daemon writes apps where it does by default. */
const OUTPUT_DIR = SETTINGS.outputDir.default;

const DEMO_BATCH = `{
  // The demo batch: every model builds every template once.
  // sim/flaky fails its first attempt of each call and then succeeds (a retry shows it);
  // sim/fail-always answers 500 every time, so its jobs fail after the retries.
  "models": ${JSON.stringify(DEMO_MODELS)},
  "templates": ${JSON.stringify(DEMO_TEMPLATES)},
  "repeat": 1,
  "maxConcurrent": 4,
  "options": { "temperature": 0.2, "maxTokens": 8000 }
}
`;

export async function runDemo(ctx: CliContext): Promise<number> {
  if (!(await isDemoWorkspace(ctx.workspace))) {
    throw new UsageError(
      `${ctx.workspace} is not empty and is not a demo workspace; the demo starts from a fresh folder, so pick another --workspace`,
    );
  }
  const simulator = await startSimulator({ latencyMs: 150 });
  try {
    await fs.rm(ctx.workspace, { recursive: true, force: true });
    await fs.mkdir(ctx.workspace, { recursive: true });
    await fs.writeFile(join(ctx.workspace, BATCH_FILE), DEMO_BATCH);
    const shown = relative(process.cwd(), ctx.workspace) || '.';
    ctx.out.write(
      `AppGen demo: OpenRouter simulator at ${simulator.url}\nWorkspace: ${shown}/ (batch file ${BATCH_FILE})\n\n`,
    );
    const code = await runBatch(
      {
        ...ctx,
        // The simulator takes any key; this one only exists for it.
        env: {
          ...ctx.env,
          OPENROUTER_API_KEY: 'demo-key-for-the-local-simulator',
          OPENROUTER_BASE_URL: simulator.url,
          OPENROUTER_BACKOFF_BASE_MS: '200',
          OPENROUTER_MAX_RETRIES: '2',
        },
      },
      undefined,
    );
    const failing = DEMO_MODELS.filter((m) => m.includes('fail-always')).length * DEMO_TEMPLATES.length;
    ctx.out.write(
      `\nThe ${failing} failures of sim/fail-always are expected: it answers HTTP 500 to every attempt.\n` +
        `Generated apps: ${shown}/${modelFolder(OUTPUT_DIR, '<model>')}/app<N>/\n` +
        `History: ${shown}/${HISTORY_FILE}   Reports: ${shown}/${REPORTS_FOLDER}/\n`,
    );
    // The demo worked when exactly the always-failing model failed.
    return code === 1 || code === 0 ? await demoVerdict(ctx.workspace) : code;
  } finally {
    await simulator.close();
  }
}

/** The demo wipes its folder first; only a missing or empty one, or an earlier demo's, may be wiped. */
async function isDemoWorkspace(workspace: string): Promise<boolean> {
  let entries: string[];
  try {
    entries = await fs.readdir(workspace);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
  if (entries.length === 0) return true;
  const batch = await fs.readFile(join(workspace, BATCH_FILE), 'utf8').catch(() => '');
  return batch === DEMO_BATCH;
}

async function demoVerdict(workspace: string): Promise<number> {
  const apps = await fs.readdir(join(workspace, ...OUTPUT_DIR.split('/'))).catch(() => [] as string[]);
  const expected = DEMO_MODELS.filter((m) => !m.includes('fail-always')).map(modelSlug);
  return expected.every((slug) => apps.includes(slug)) ? 0 : 1;
}
