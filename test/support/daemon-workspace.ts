/**
 * A fresh workspace (and, unless turned off, a fresh simulator) for each test of a mocha suite, with
 * the daemons a test spawns on it killed afterwards: a test that fails halfway must not leave a
 * process holding the workspace.
 */
import { rmSync } from 'node:fs';
import { type Simulator, startSimulator } from '../../daemon/simulator/simulator';
import { type DaemonProcess, spawnDaemon, tempWorkspace } from './daemon-process';
import { simulatorEnv } from './sim-env';

export interface DaemonWorkspace {
  /** This test's simulator. */
  readonly sim: Simulator;
  /** This test's workspace folder, removed after the test. */
  readonly workspace: string;
  /** Spawns a daemon on the workspace, pointed at the simulator if there is one; `env` adds to that. */
  spawn(env?: Record<string, string>): DaemonProcess;
  /** Spawns a daemon on the workspace with neither a simulator nor a key. */
  spawnOffline(): DaemonProcess;
}

/**
 * Registers hooks in the calling suite that give each test a workspace named `prefix...` and a
 * simulator (`simulator: false` for none), then kill the test's daemons still running, close the
 * simulator and remove the workspace.
 */
export function daemonWorkspace(prefix: string, options: { simulator?: boolean } = {}): DaemonWorkspace {
  const withSimulator = options.simulator ?? true;
  let sim: Simulator | undefined;
  let workspace: string | undefined;
  const daemons: DaemonProcess[] = [];

  beforeEach(async () => {
    if (withSimulator) sim = await startSimulator();
    workspace = tempWorkspace(prefix);
  });

  afterEach(async () => {
    for (const daemon of daemons.splice(0)) await daemon.kill();
    await sim?.close();
    sim = undefined;
    if (workspace) rmSync(workspace, { recursive: true, force: true });
    workspace = undefined;
  });

  const current = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} exists only while a test runs`);
    return value;
  };
  const track = (daemon: DaemonProcess): DaemonProcess => {
    daemons.push(daemon);
    return daemon;
  };

  return {
    get sim() {
      return current(sim, withSimulator ? 'the simulator' : 'a simulator (turned off here)');
    },
    get workspace() {
      return current(workspace, 'the workspace');
    },
    spawn: (env = {}) =>
      track(
        spawnDaemon({
          workspace: current(workspace, 'the workspace'),
          env: sim ? simulatorEnv(sim, env) : env,
        }),
      ),
    spawnOffline: () => track(spawnDaemon({ workspace: current(workspace, 'the workspace') })),
  };
}
