/**
 * A hostile workspace against the real daemon: a planted commit journal pointing outside the
 * workspace, a `.appgen/staging` or `.appgen` that is a link, a symlinked app folder. Nothing
 * outside the workspace may be moved, deleted or written, and what is refused is said. Also the
 * modes of what a job writes: readable by the user only, except the app itself.
 */
import { strict as assert } from 'node:assert';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import { type DaemonProcess, waitFinished } from '../support/daemon-process';
import { daemonWorkspace } from '../support/daemon-workspace';
import { MODEL, TEMPLATE } from '../support/generation-harness';
import { listFiles, readText } from '../support/workspace-files';

function write(root: string, path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

/** Every file under `root` with its content (links listed, never followed). */
function contents(root: string): Record<string, string> {
  return Object.fromEntries(
    listFiles(root).map((file) => [
      file,
      lstatSync(join(root, file)).isFile() ? readText(root, file) : '(link)',
    ]),
  );
}

/** The warnings the daemon has logged so far. */
function warnings(daemon: DaemonProcess): string[] {
  return daemon
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: string; message: string })
    .filter((entry) => entry.level === 'warn')
    .map((entry) => entry.message);
}

/** Starts a daemon on the workspace and shuts it down: its start-up (recovery) is then all logged. */
async function startAndStop(daemon: DaemonProcess): Promise<string[]> {
  await daemon.initialize();
  await daemon.connection.sendRequest(P.ShutdownRequest, {});
  assert.equal(await daemon.exited, 0);
  return warnings(daemon);
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('workspace: a hostile workspace and what the daemon writes', () => {
  const ws = daemonWorkspace('appgen-hostile-');
  let outside: string;

  beforeEach(() => {
    // Somewhere on the machine, outside the workspace, that the workspace points at.
    outside = mkdtempSync(join(tmpdir(), 'appgen-outside-'));
    write(outside, 'victim/important.txt', 'keep me\n');
    write(outside, 'loot/file.txt', 'keep me too\n');
  });

  afterEach(() => {
    rmSync(outside, { recursive: true, force: true });
  });

  const startDaemon = async (): Promise<DaemonProcess> => {
    const daemon = ws.spawn();
    await daemon.initialize();
    return daemon;
  };

  it('leaves folders outside the workspace alone when a planted journal names them, and says so', async () => {
    const before = contents(outside);
    const commits = join(ws.workspace, '.appgen', 'commits');
    write(
      commits,
      'evil-1.json',
      JSON.stringify({ app: join(outside, 'victim'), staging: join(outside, 'loot') }),
    );
    write(
      commits,
      'evil-2.json',
      JSON.stringify({ app: join(outside, 'gone'), staging: join(outside, 'victim') }),
    );
    write(commits, 'job-3.json', JSON.stringify({ jobId: 'job-3', appPath: `../${outside}/x/app1` }));
    const logged = (await startAndStop(ws.spawn())).join('\n');
    assert.deepEqual(contents(outside), before);
    assert.match(logged, /ignored the commit journal "\.appgen\/commits\/evil-1\.json"/);
    assert.match(logged, /ignored the commit journal "\.appgen\/commits\/evil-2\.json"/);
    assert.match(logged, /refused to recover the commit of job job-3/);
    assert.deepEqual(readdirSync(commits), [], 'the planted journals are gone, nothing they named');
  });

  it('leaves a .appgen/staging that is a link, and the folder it points to, alone', async () => {
    const before = contents(outside);
    mkdirSync(join(ws.workspace, '.appgen'));
    symlinkSync(outside, join(ws.workspace, '.appgen', 'staging'), 'dir');
    const logged = (await startAndStop(ws.spawn())).join('\n');
    assert.deepEqual(contents(outside), before);
    assert.match(logged, /left "\.appgen\/staging" alone: .*symbolic link/);
  });

  it('refuses to start on a .appgen that is a link, naming it', async () => {
    symlinkSync(outside, join(ws.workspace, '.appgen'), 'dir');
    const daemon = ws.spawn();
    const outcome = await Promise.race([daemon.exited, daemon.initialize().then(() => 'initialized')]);
    assert.notEqual(outcome, 'initialized', 'the daemon does not serve the workspace');
    assert.notEqual(outcome, 0);
    assert.match(daemon.stderr(), /Unsafe path \\?"\.appgen\\?": is a symbolic link/);
    assert.deepEqual(readdirSync(outside).sort(), ['loot', 'victim'], 'no history or lock written there');
  });

  it('fails a job whose app folder is a link with unsafe_path; the folder it points to keeps its content', async () => {
    const app = 'generated/apps/sim_alpha/app1';
    mkdirSync(join(ws.workspace, 'generated/apps/sim_alpha'), { recursive: true });
    symlinkSync(join(outside, 'victim'), join(ws.workspace, app), 'dir');
    const before = contents(outside);
    const daemon = await startDaemon();
    const started = await daemon.connection.sendRequest(P.GenerationStartRequest, {
      templateSlug: TEMPLATE,
      model: MODEL,
      appNum: 1,
    });
    assert.equal(started.appPath, app);
    const job = await waitFinished(daemon, started.id);
    assert.equal(job.status, 'failed');
    assert.equal(job.error?.code, 'unsafe_path');
    assert.match(job.error?.message ?? '', /"generated\/apps\/sim_alpha\/app1": is a symbolic link/);
    assert.deepEqual(contents(outside), before, 'nothing written where the link points');
    assert.ok(lstatSync(join(ws.workspace, app)).isSymbolicLink(), 'the link is not moved away');
    assert.deepEqual(
      listFiles(join(ws.workspace, '.appgen', 'versions')),
      [],
      'no version that is only a link',
    );
  });

  it('creates what a job keeps for itself readable by the user only, and the app with ordinary modes', async () => {
    write(
      ws.workspace,
      'appgen.batch.json',
      JSON.stringify({ models: [MODEL], templates: [TEMPLATE], repeat: 1 }),
    );
    const daemon = await startDaemon();
    const first = await daemon.connection.sendRequest(P.GenerationStartRequest, {
      templateSlug: TEMPLATE,
      model: MODEL,
    });
    assert.equal((await waitFinished(daemon, first.id)).status, 'succeeded');
    // A second job on the same app keeps the first version; a batch writes a report.
    const again = await daemon.connection.sendRequest(P.GenerationStartRequest, {
      templateSlug: TEMPLATE,
      model: MODEL,
      appNum: first.appNum,
    });
    const replaced: Job = await waitFinished(daemon, again.id);
    assert.equal(replaced.status, 'succeeded');
    assert.ok(replaced.previousVersionPath, 'the first version was kept');
    const batch = await daemon.connection.sendRequest(P.BatchStartRequest, {});
    for (const job of batch.jobs) assert.equal((await waitFinished(daemon, job.id)).status, 'succeeded');
    const status = await daemon.connection.sendRequest(P.BatchStatusRequest, { batchId: batch.batchId });
    // The report is written once the batch has ended; the daemon flushes it before it exits.
    await daemon.connection.sendRequest(P.ShutdownRequest, {});
    assert.equal(await daemon.exited, 0);
    assert.ok(status.finished);

    const state = join(ws.workspace, '.appgen');
    const folders = [
      '',
      'artifacts',
      `artifacts/${first.modelSlug}`,
      `artifacts/${first.modelSlug}/app${first.appNum}`,
      'versions',
      `versions/${first.modelSlug}`,
      `versions/${first.modelSlug}/app${first.appNum}`,
      'commits',
      'reports',
    ];
    for (const folder of folders) assert.equal(mode(join(state, folder)), 0o700, `.appgen/${folder}`);
    const files = [
      'history.sqlite',
      `reports/${batch.batchId}.md`,
      ...listFiles(join(state, 'artifacts')).map((file) => `artifacts/${file}`),
    ];
    assert.ok(files.length >= 2 + 6 * 3, files.join());
    for (const file of files) assert.equal(mode(join(state, file)), 0o600, `.appgen/${file}`);
    // The app is the user's project: its folders get the modes any new folder gets here.
    mkdirSync(join(outside, 'probe'));
    assert.equal(mode(join(ws.workspace, first.appPath)), mode(join(outside, 'probe')));
  });
});
