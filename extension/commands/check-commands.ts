/**
 * AppGen: Check App. The static level reads the app's code only; the smoke level starts the app's
 * backend (in a bounded sandbox), so it runs generated code: never in Restricted Mode, and the
 * first time in a workspace only after the user agreed (remembered for the workspace).
 */
import * as vscode from 'vscode';
import type { CheckLevel } from '../../shared/job';
import { AppCheckRequest } from '../../shared/protocol';
import { CommandIds } from '../command-ids';
import { JOB_FILTERS } from '../job-context-keys';
import {
  type CommandContext,
  checkTrusted,
  type JobArg,
  pickJob,
  resolveJobArg,
  showError,
} from './command-context';

const SMOKE_CONSENT = 'appgen.smokeChecksAllowed';

export interface CheckAppArgs {
  levels?: CheckLevel[];
  /** Scripts and tests that already asked the user say so here. */
  smokeAllowed?: boolean;
}

export function registerCheckCommands(ctx: CommandContext, memento: vscode.Memento): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandIds.checkApp, async (arg?: JobArg & CheckAppArgs) => {
      const found =
        resolveJobArg(ctx, arg) ??
        (arg && 'jobId' in arg
          ? undefined
          : await pickJob(ctx, ctx.store.allJobs().filter(JOB_FILTERS.succeeded.matches), 'App to check'));
      if (!found) return undefined;
      const scripted = arg !== undefined && !('kind' in arg);
      const levels = scripted && arg.levels ? arg.levels : await pickLevels();
      if (!levels) return undefined;
      if (levels.includes('smoke')) {
        if (!checkTrusted('run smoke checks')) return undefined;
        if (!(await smokeAllowed(memento, scripted ? arg.smokeAllowed : undefined))) return undefined;
      }
      try {
        const job = await found.client.request(AppCheckRequest, { jobId: found.job.id, levels });
        ctx.store.upsert(found.folder.uri.toString(), job);
        return job;
      } catch (error) {
        showError('could not check the app', error);
        return undefined;
      }
    }),
  ];
}

async function pickLevels(): Promise<CheckLevel[] | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      {
        label: 'Static',
        description: 'reads the code: compiles, parses, endpoints, imports',
        levels: ['static'] as CheckLevel[],
      },
      {
        label: 'Static and smoke',
        description: "also starts the app's backend in a sandbox and probes its endpoints",
        levels: ['static', 'smoke'] as CheckLevel[],
      },
    ],
    { placeHolder: 'Which checks?' },
  );
  return picked?.levels;
}

/** Asks once per workspace before generated code runs here. */
async function smokeAllowed(memento: vscode.Memento, given: boolean | undefined): Promise<boolean> {
  if (memento.get<boolean>(SMOKE_CONSENT) === true) return true;
  if (given !== undefined) {
    if (given) await memento.update(SMOKE_CONSENT, true);
    return given;
  }
  const allow = 'Allow in This Workspace';
  const choice = await vscode.window.showWarningMessage(
    "A smoke check runs the generated app's code on this machine: its backend is copied to a temporary folder and started there, with a clean environment, on loopback only, for at most 30 seconds.",
    { modal: true },
    allow,
  );
  if (choice !== allow) return false;
  await memento.update(SMOKE_CONSENT, true);
  return true;
}
