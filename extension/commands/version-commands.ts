/**
 * AppGen: Show Previous Versions: the versions of an app that later jobs replaced, kept under
 * `.appgen/versions/<model_slug>/app<N>/<time>-<jobId>/`, newest first, each with the template it
 * held (from its manifest, else from the job that made it) and when it was replaced. Choosing one
 * opens its main file.
 */
import * as vscode from 'vscode';
import { readManifest } from '../../shared/app-manifest';
import type { Job } from '../../shared/job';
import {
  APP_MANIFEST_FILE,
  COMMIT_RECORD_FILE,
  MAIN_FILES,
  parseVersionFolderName,
  versionsFolder,
} from '../../shared/workspace-layout';
import { CommandIds } from '../command-ids';
import { JOB_FILTERS } from '../job-context-keys';
import {
  type CommandContext,
  exists,
  folderUri,
  type JobArg,
  type JobTarget,
  pickJob,
  resolveJobArg,
} from './command-context';

/** One kept version of an app. */
export interface AppVersion {
  /** Workspace-relative folder. */
  path: string;
  /** ISO-8601 UTC: when a later job replaced it. */
  replacedAt: string;
  /** The template it held, when known. */
  template?: string;
  /** The job that made it, when known. */
  jobId?: string;
}

export function registerVersionCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(
      CommandIds.showPreviousVersions,
      async (arg?: JobArg & { pick?: boolean }) => {
        const found =
          resolveJobArg(ctx, arg) ??
          (arg
            ? undefined
            : await pickJob(
                ctx,
                ctx.store.allJobs().filter(JOB_FILTERS.succeeded.matches),
                'Versions of which app?',
              ));
        if (!found) return undefined;
        const versions = await previousVersions(ctx, found);
        if (arg && 'pick' in arg && arg.pick === false) return versions;
        if (versions.length === 0) {
          void vscode.window.showInformationMessage(
            `AppGen: app${found.job.appNum} of ${found.job.model} has no previous version.`,
          );
          return versions;
        }
        const picked = await vscode.window.showQuickPick(
          versions.map((version) => ({
            label: `$(history) ${version.replacedAt.replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC')}`,
            description: version.template ?? 'template unknown',
            detail: version.path,
            version,
          })),
          { placeHolder: `Previous versions of app${found.job.appNum} of ${found.job.model}, newest first` },
        );
        if (!picked) return versions;
        const root = folderUri(found.folder, picked.version.path);
        const main = vscode.Uri.joinPath(root, ...MAIN_FILES.backend.split('/'));
        if (await exists(main)) await vscode.window.showTextDocument(main);
        else await vscode.commands.executeCommand('revealInExplorer', root);
        return versions;
      },
    ),
  ];
}

/** The kept versions of the job's app, newest first. */
async function previousVersions(ctx: CommandContext, found: JobTarget): Promise<AppVersion[]> {
  const { job } = found;
  const base = versionsFolder(job.modelSlug, job.appNum);
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(folderUri(found.folder, base));
  } catch {
    return [];
  }
  const versions: AppVersion[] = [];
  for (const [name, type] of entries) {
    if (type !== vscode.FileType.Directory) continue;
    const replacedAt = parseVersionFolderName(name)?.replacedAt;
    if (!replacedAt) continue;
    const path = `${base}/${name}`;
    versions.push({ path, replacedAt, ...(await madeBy(ctx, found, path)) });
  }
  return versions.sort((a, b) => b.replacedAt.localeCompare(a.replacedAt));
}

/** The template a version held and the job that made it: from its manifest, else its commit record. */
async function madeBy(
  ctx: CommandContext,
  found: JobTarget,
  path: string,
): Promise<Pick<AppVersion, 'template' | 'jobId'>> {
  const read = async (file: string) => {
    try {
      return new TextDecoder().decode(
        await vscode.workspace.fs.readFile(folderUri(found.folder, `${path}/${file}`)),
      );
    } catch {
      return undefined;
    }
  };
  const manifest = readManifest(await read(APP_MANIFEST_FILE));
  if (manifest) return { template: manifest.template, jobId: manifest.jobId };
  // Older versions have no manifest: the last commit their record names made them.
  const commits = await read(COMMIT_RECORD_FILE);
  const last = commits === undefined ? undefined : lastCommittedJob(commits);
  const job: Job | undefined = last ? ctx.store.find(last)?.job : undefined;
  return job ? { template: job.templateSlug, jobId: job.id } : {};
}

function lastCommittedJob(text: string): string | undefined {
  try {
    const commits = (JSON.parse(text) as { commits?: Array<{ jobId?: unknown }> } | null)?.commits;
    const jobId = Array.isArray(commits) ? commits[commits.length - 1]?.jobId : undefined;
    return typeof jobId === 'string' ? jobId : undefined;
  } catch {
    return undefined;
  }
}
