/** Shared pieces of the in-editor suite: the extension's API, the simulator, waiting on real signals. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { type Simulator, startSimulator } from '../../../daemon/simulator/simulator';
import type { AppGenApi, TreeItemSnapshot } from '../../../extension/test-api';
import type { Job } from '../../../shared/job';

export const EXTENSION_ID = 'appgen.appgen';
/** What the simulator demands in `Authorization`; set through the real command. */
export const TEST_API_KEY = 'sk-or-test-0123456789abcdef';
/** The longest any wait may take before the test fails with what it was waiting for. */
const WAIT_LIMIT_MS = 45_000;

let simulator: Simulator | undefined;

/** The suite's OpenRouter simulator, started on first use and pointed to by the workspace settings. */
export async function sharedSimulator(): Promise<Simulator> {
  if (simulator) return simulator;
  simulator = await startSimulator({ host: '127.0.0.1', apiKey: TEST_API_KEY });
  await vscode.workspace
    .getConfiguration('appgen')
    .update('baseUrl', simulator.url, vscode.ConfigurationTarget.Workspace);
  return simulator;
}

export function workspaceFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace has no folder');
  return folder;
}

export async function extensionApi(): Promise<AppGenApi> {
  const extension = vscode.extensions.getExtension<AppGenApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  return extension.activate();
}

/**
 * Resolves with `check()`'s first defined result, checking now and whenever `event` fires.
 * Fails after a generous limit, naming what never happened (a safety net, not a timing test).
 */
export function waitFor<T>(
  event: vscode.Event<unknown>,
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      subscription.dispose();
      action();
    };
    const probe = async () => {
      try {
        const value = await check();
        if (value !== undefined) finish(() => resolve(value));
      } catch (error) {
        finish(() => reject(error));
      }
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`gave up waiting for ${what}`))),
      WAIT_LIMIT_MS,
    );
    const subscription = event(() => void probe());
    void probe();
  });
}

/** An event that fires when any of the given events fires. */
export function anyEvent(...events: vscode.Event<unknown>[]): vscode.Event<unknown> {
  return (listener) => {
    const subscriptions = events.map((event) => event(listener));
    return {
      dispose: () => {
        for (const subscription of subscriptions) subscription.dispose();
      },
    };
  };
}

/** Fires when a chat request reaches the simulator. */
export function simulatorRequests(sim: Simulator): vscode.Event<unknown> {
  return (listener) => {
    const handler = (request: unknown) => listener(request);
    sim.on('request', handler);
    return { dispose: () => sim.off('request', handler) };
  };
}

/** Waits until the job runs and its model call is held by the (paused) simulator. */
export function waitForHeldCall(api: AppGenApi, sim: Simulator, jobId: string): Promise<true> {
  return waitFor(
    anyEvent(api.onDidChangeJobs, simulatorRequests(sim)),
    () =>
      sim.inFlight > 0 && api.jobs().some((job) => job.id === jobId && job.status === 'running')
        ? true
        : undefined,
    `job ${jobId} to be running with its model call in flight`,
  );
}

/** Waits until the job's status is one of `statuses`, as the extension knows it. */
export function waitForJob(api: AppGenApi, jobId: string, statuses: Job['status'][]): Promise<Job> {
  return waitFor(
    api.onDidChangeJobs,
    () => api.jobs().find((job) => job.id === jobId && statuses.includes(job.status)),
    `job ${jobId} to become ${statuses.join(' or ')}`,
  );
}

/** Every tree item, depth first. */
export function flattenTree(items: TreeItemSnapshot[]): TreeItemSnapshot[] {
  return items.flatMap((item) => [item, ...flattenTree(item.children)]);
}

export function treeItemOf(api: AppGenApi, jobId: string): TreeItemSnapshot | undefined {
  return flattenTree(api.tree()).find((item) => item.jobId === jobId);
}

/** Runs `appgen.generateApp` without pickers. */
export async function generate(templateSlug: string, models: string[], appNum?: number): Promise<Job[]> {
  const jobs = await vscode.commands.executeCommand<Job[] | undefined>('appgen.generateApp', {
    templateSlug,
    models,
    ...(appNum === undefined ? {} : { appNum }),
  });
  assert.ok(jobs, 'appgen.generateApp returned nothing');
  return jobs;
}

/** Sets a workspace setting and waits until the running daemon has been re-initialized with it. */
export async function updateSetting(api: AppGenApi, key: string, value: unknown): Promise<void> {
  let initialized = false;
  const subscription = api.onDidInitialize(() => {
    initialized = true;
  });
  try {
    await vscode.workspace
      .getConfiguration('appgen')
      .update(key, value, vscode.ConfigurationTarget.Workspace);
    await waitFor(
      api.onDidInitialize,
      () => (initialized ? true : undefined),
      `the daemon to receive appgen.${key}`,
    );
  } finally {
    subscription.dispose();
  }
}
