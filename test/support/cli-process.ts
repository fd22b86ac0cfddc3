/**
 * Runs the bundled command line (dist/cli.js) as a child process in a temp workspace, the way a
 * person runs `appgen` in a terminal, and keeps what it prints.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Simulator } from '../../daemon/simulator/simulator';
import type { Job } from '../../shared/job';
import { tempWorkspace } from './daemon-process';
import { simulatorEnv, UNREACHABLE_BASE_URL } from './sim-env';

export const CLI_JS = resolve(__dirname, '../../dist/cli.js');

export interface CliResult {
  /** The exit code, or the signal name when killed by one. */
  code: number | string;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once stdout matches `pattern`; rejects if the process ends first. */
  waitForStdout: (pattern: RegExp) => Promise<void>;
  result: Promise<CliResult>;
}

/**
 * The environment of a run against `simulator` (the test key, quick retries), or of a run with no
 * simulator and no key; nothing from the parent but PATH and HOME.
 */
export function cliEnv(
  simulator: Simulator | undefined,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    TMPDIR: tmpdir(),
    // Never the real OpenRouter: an address where nothing listens unless a simulator is given.
    ...(simulator ? simulatorEnv(simulator) : { OPENROUTER_BASE_URL: UNREACHABLE_BASE_URL }),
    OPENROUTER_MAX_RETRIES: '1',
    OPENROUTER_BACKOFF_BASE_MS: '1',
    // As for test daemons (see daemon-process.ts): apps are checked in the tests of checks only.
    APPGEN_CHECKS_STATIC: 'false',
    ...extra,
  };
}

/**
 * Starts `node dist/cli.js <args>` in `cwd`. `detached` gives it its own process group, so a test
 * can signal the group as a terminal does on Ctrl-C.
 */
export function spawnCli(
  args: string[],
  options: { cwd: string; env: Record<string, string>; detached?: boolean },
): CliProcess {
  const child = spawn(process.execPath, [CLI_JS, ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let stdout = '';
  let stderr = '';
  const watchers: { pattern: RegExp; resolve: () => void; reject: (e: Error) => void }[] = [];
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    stdout += chunk;
    for (const watcher of [...watchers]) {
      if (watcher.pattern.test(stdout)) {
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.resolve();
      }
    }
  });
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const result = new Promise<CliResult>((resolveResult) => {
    child.on('close', (code, signal) => {
      for (const watcher of watchers.splice(0)) {
        watcher.reject(new Error(`appgen ended before printing ${watcher.pattern}:\n${stdout}\n${stderr}`));
      }
      resolveResult({ code: code ?? signal ?? -1, stdout, stderr });
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStdout: (pattern) =>
      pattern.test(stdout)
        ? Promise.resolve()
        : new Promise((resolveWait, reject) => watchers.push({ pattern, resolve: resolveWait, reject })),
    result,
  };
}

/** Runs `appgen <args>` to the end. */
export function runCli(
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<CliResult> {
  return spawnCli(args, options).result;
}

/** A fresh workspace folder, optionally with a batch file. */
export function cliWorkspace(batch?: string, name = 'appgen.batch.json'): string {
  const workspace = tempWorkspace('appgen-cli-');
  if (batch !== undefined) writeFileSync(join(workspace, name), batch);
  return workspace;
}

/** The jobs `appgen history --json` prints, failing the test on anything but JSON. */
export async function historyOf(cwd: string, env: Record<string, string>): Promise<Job[]> {
  const result = await runCli(['history', '--json', '--limit', '1000'], { cwd, env });
  if (result.code !== 0) throw new Error(`appgen history failed (${result.code}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as Job[];
}
