/**
 * `appgen`: the same engine as the extension, from a terminal. Parses arguments and hands each
 * command to commands.ts; `daemon` runs the daemon itself in this process.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { check } from './check-command';
import { failureOf } from './cli-failure';
import * as commands from './commands';
import { runDemo } from './demo';
import { exportResults } from './export-command';
import { prompts } from './prompts-command';

const HELP: Record<string, string> = {
  main: `appgen - generate Flask + React apps with many models through OpenRouter

Usage:
  appgen run [batch-file] [--workspace dir]     run a batch (default appgen.batch.json)
  appgen resume [--workspace dir]               resume a paused queue, finish jobs a run left
  appgen generate --template <slug> --model <id> [--app <n>] [--workspace dir]
  appgen history [--limit n] [--json] [--workspace dir]
  appgen history import <file> [--workspace dir]
  appgen templates [--json] [--workspace dir]
  appgen prompts --template <slug> [--component backend|frontend] [--json] [--workspace dir]
  appgen check [--batch <id> | --app <path>] [--levels static,smoke] [--workspace dir]
  appgen export [--batch <id>] --format csv|json [--workspace dir]
  appgen demo                                   a demo batch against the built-in simulator
  appgen daemon --stdio --workspace <dir>       the JSON-RPC daemon the extension uses

The OpenRouter key is read from OPENROUTER_API_KEY. --workspace defaults to the current folder.
Exit codes: 0 every job succeeded, 1 a job failed, 2 invalid input, 130 interrupted.
A queue paused because OpenRouter answered 402 (no credits) also exits 1; "appgen resume" continues.
Run "appgen <command> --help" for more.`,
  run: `appgen run [batch-file] [--workspace dir]

Runs every job of a batch file (models x templates x repeat) with live progress, then prints a
summary table and writes .appgen/reports/<batchId>.md. An invalid batch file is refused with every
problem listed (line:column) and nothing starts. Ctrl-C stops cleanly; "appgen resume" finishes
the rest. A budget stop is printed when it happens. When OpenRouter answers 402 (credits
exhausted) the queue pauses: the reason is printed, running jobs finish, and the command exits 1
with the rest kept for "appgen resume". Exits 0 only if every job succeeded, 1 if any failed or
the queue paused, 2 on invalid input.`,
  resume: `appgen resume [--workspace dir]

Resumes a queue paused for lack of credits (add credits first), then waits for the jobs that an
interrupted or paused run (or a crashed daemon) left queued or running; the daemon starts them
again as soon as it starts.`,
  generate: `appgen generate --template <slug> --model <id> [--app <n>] [--workspace dir]

Generates one app. Without --app the next free app number of the model is used.`,
  history: `appgen history [--limit n] [--json] [--workspace dir]
appgen history import <file> [--workspace dir]

Lists recorded generations, newest first (default 20), or imports the history database of the
earlier Flask tool (table generated_applications); rows already imported are skipped.`,
  templates: `appgen templates [--json] [--workspace dir]

Lists the built-in templates and the workspace's .appgen/templates/*.json, and names the fields of
each that no prompt prints (they are kept, but the models never see them). A workspace template
file that cannot be used is named on stderr with the reason, and left out.`,
  prompts: `appgen prompts --template <slug> [--component backend|frontend] [--json] [--workspace dir]

Prints the prompts a job of the template sends, exactly: for each component its system text, then
its user text, and the sha256 hash a job records as promptHash. They are rendered from the prompt
files in force: the shipped ones (dist/prompts/*.hbs), each replaced by a file of the same name in
the workspace's .appgen/prompts/. A prompt file that does not render is named with its line, and
the command exits 2. The ports are those of a workspace's first app, and the frontend prompt lists
the routes the template declares, where a job lists the routes its generated backend serves.`,
  check: `appgen check [--batch <id> | --app <path>] [--levels static,smoke] [--workspace dir]

Checks generated apps and prints each one's verdict and score as its check ends: the apps of a
batch, one app (its folder), or with neither every app of the workspace, each through its latest
succeeded job. "static" (the default) reads the code and runs none of it: Python compiles,
JavaScript and JSX parse, the template's endpoints are in the backend, the frontend calls only
routes the backend has, every import is satisfied. The findings are in .appgen/checks/. Exits 0
only when every app checked passed, 1 otherwise, 2 on invalid input.`,
  export: `appgen export [--batch <id>] --format csv|json [--workspace dir]

Prints one row per job (of the batch, or of the whole history), oldest first: model, template, app,
status, error code, tokens, cost, duration, attempts, retries, check verdict and score, warnings.
CSV has a header row; JSON is {columns, jobs}. The same rows as AppGen: Export Results.`,
  demo: `appgen demo [--workspace dir]

Starts the built-in OpenRouter simulator on 127.0.0.1, writes an example batch into
demo-workspace/ (or --workspace) and runs it. No key and no network needed.`,
  daemon: `appgen daemon --stdio --workspace <dir>

Speaks JSON-RPC 2.0 on stdin/stdout (Content-Length framing); logs go to stderr.`,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP.main}\n`);
    return command ? 0 : 2;
  }
  if (command === 'daemon') {
    // The bundled daemon exports its entry point; it is the same program as dist/daemon.js.
    const daemon = require(join(__dirname, 'daemon.js')) as {
      runDaemon: (a: string[], e: NodeJS.ProcessEnv) => Promise<void>;
    };
    if (rest.includes('--help')) {
      process.stdout.write(`${HELP.daemon}\n`);
      return 0;
    }
    await daemon.runDaemon(rest, process.env);
    return -1; // the daemon ends the process itself
  }
  if (!(command in HELP)) throw new commands.UsageError(`unknown command "${command}"\n\n${HELP.main}`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      workspace: { type: 'string', short: 'w' },
      template: { type: 'string', short: 't' },
      model: { type: 'string', short: 'm' },
      app: { type: 'string' },
      batch: { type: 'string' },
      levels: { type: 'string' },
      format: { type: 'string' },
      limit: { type: 'string', short: 'n' },
      component: { type: 'string', short: 'c' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP[command]}\n`);
    return 0;
  }
  // A reader that stops early (`appgen history | head -1`) closes the pipe: what is left to print
  // goes nowhere, as in any shell pipeline, and the command still runs to its end and exit code.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', ignoreClosedPipe);
  const ctx: commands.CliContext = {
    workspace: resolve(values.workspace ?? process.cwd()),
    env: process.env,
    out: process.stdout,
    err: process.stderr,
  };
  switch (command) {
    case 'run':
      if (positionals.length > 1) throw new commands.UsageError('run takes one batch file');
      return commands.runBatch(ctx, positionals[0]);
    case 'resume':
      return commands.resume(ctx);
    case 'generate': {
      if (!values.template || !values.model)
        throw new commands.UsageError(`generate needs --template and --model\n\n${HELP.generate}`);
      return commands.generate(ctx, {
        template: values.template,
        model: values.model,
        ...(values.app !== undefined ? { app: positiveInt(values.app, '--app') } : {}),
      });
    }
    case 'history':
      if (positionals[0] === 'import') {
        if (!positionals[1]) throw new commands.UsageError('history import needs a file');
        return commands.importHistory(ctx, positionals[1]);
      }
      return commands.history(ctx, {
        json: Boolean(values.json),
        ...(values.limit !== undefined ? { limit: positiveInt(values.limit, '--limit') } : {}),
      });
    case 'templates':
      return commands.templates(ctx, { json: Boolean(values.json) });
    case 'prompts': {
      if (!values.template) throw new commands.UsageError(`prompts needs --template\n\n${HELP.prompts}`);
      const component = values.component;
      if (component !== undefined && component !== 'backend' && component !== 'frontend')
        throw new commands.UsageError(`--component must be backend or frontend, got "${component}"`);
      return prompts(ctx, {
        template: values.template,
        json: Boolean(values.json),
        ...(component ? { component } : {}),
      });
    }
    case 'check':
      if (positionals.length > 0) throw new commands.UsageError(`check takes no arguments\n\n${HELP.check}`);
      return check(ctx, {
        ...(values.batch !== undefined ? { batch: values.batch } : {}),
        ...(values.app !== undefined ? { app: values.app } : {}),
        ...(values.levels !== undefined ? { levels: values.levels } : {}),
      });
    case 'export':
      if (positionals.length > 0)
        throw new commands.UsageError(`export takes no arguments\n\n${HELP.export}`);
      return exportResults(ctx, {
        ...(values.batch !== undefined ? { batch: values.batch } : {}),
        ...(values.format !== undefined ? { format: values.format } : {}),
      });
    case 'demo':
      return runDemo({ ...ctx, workspace: resolve(values.workspace ?? 'demo-workspace') });
    default:
      throw new commands.UsageError(`unknown command "${command}"`);
  }
}

function positiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new commands.UsageError(`${name} must be a positive integer, got "${value}"`);
  return n;
}

function ignoreClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
  throw error;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (error: unknown) => {
      const failure = failureOf(error);
      process.stderr.write(`appgen: ${failure.message}\n`);
      process.exitCode = failure.code;
    },
  );
}
