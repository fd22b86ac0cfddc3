/**
 * The command line is a client of the daemon like the extension: it starts `daemon.js` (which
 * relays to a daemon already serving the workspace) through the same DaemonProcess, and adds what
 * is its own: the key from its environment, no settings unless asked, a process group of its own
 * for Ctrl-C, and the daemon's last words when it went away.
 */
import { join } from 'node:path';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { DaemonExitError } from '../client/daemon-exit';
import { DaemonProcess } from '../client/daemon-process';
import type { Job } from '../shared/job';
import type * as P from '../shared/protocol';
import { DaemonExitedError, whatTheDaemonSaid } from './cli-failure';

/**
 * How long the command line waits for its daemon to stop before killing it. Longer than the
 * editor's (`SHUTDOWN_GRACE_MS`, held under VS Code's 5 s for deactivation): a command has no
 * such limit, and the daemon's stop first lets the checks asked for end (up to 10 s), so when the
 * command returns, its apps' checks are recorded and the workspace lock is free for the next one.
 */
const CLI_SHUTDOWN_GRACE_MS = 15_000;

export interface DaemonLink {
  connection: MessageConnection;
  initialized: P.InitializeResult;
  /** Resolves with the exit code when the daemon process has exited. */
  exited: Promise<number | null>;
  /**
   * Ends this command's use of the daemon. A daemon that serves no other client stops (unfinished
   * jobs stay recorded) and is waited for; one that serves others goes on, and is left running.
   */
  shutdown: () => Promise<void>;
  /**
   * The error to report for `error`, thrown while talking to the daemon: when the daemon has gone,
   * what it said before it exited, rather than the connection's own words.
   */
  explain: (error: unknown) => Promise<unknown>;
  /** The last lines the daemon logged, for error messages. */
  recentLog: () => string[];
  /** Subscribes to `generation/changed`; the returned function unsubscribes. */
  onJobChanged: (listener: (job: Job) => void) => () => void;
  /** Subscribes to `batch/changed`. */
  onBatchChanged: (listener: (progress: P.BatchProgress) => void) => () => void;
  /** Subscribes to `daemon/paused` (the queue stopped starting jobs: credits exhausted). */
  onPaused: (listener: (reason: string) => void) => () => void;
}

/** How a command uses the daemon. */
export interface OpenOptions {
  config?: P.ConfigOverrides;
  /**
   * The command only reads or checks (history, templates, export, prompts, check): jobs an
   * interrupted run left are not started, nor paid for, on its account.
   */
  readOnly?: boolean;
}

export async function openDaemon(
  workspace: string,
  env: NodeJS.ProcessEnv,
  options: OpenOptions = {},
): Promise<DaemonLink> {
  const { config, readOnly } = options;
  const daemon = DaemonProcess.start({
    workspace,
    daemonPath: join(__dirname, 'daemon.js'),
    env,
    // Ctrl-C in a terminal reaches only the command line, which then stops the daemon in order
    // (unfinished jobs recorded) instead of both dying mid-write.
    ownProcessGroup: true,
    ...(env.APPGEN_DEBUG ? { onLogLine: (line: string) => process.stderr.write(`${line}\n`) } : {}),
  });
  const explain = async (error: unknown): Promise<unknown> => {
    const reason = await daemon.explain(error);
    if (!(reason instanceof DaemonExitError)) return reason;
    const { code } = reason.exit;
    const said = whatTheDaemonSaid(reason.lines);
    // Exit code 2 is the daemon refusing its input (a setting, the workspace): its words say it all.
    return new DaemonExitedError(
      code,
      code === 2 ? said : `the AppGen daemon stopped (exit code ${code}): ${said}`,
    );
  };
  // The key travels in `initialize` only: when a daemon started by someone else (VS Code) serves
  // the workspace, this daemon only relays, and the owner learns the key from it. No `config`
  // unless asked for: settings the owner was given stay as they are.
  const apiKey = env.OPENROUTER_API_KEY;
  let initialized: P.InitializeResult;
  try {
    initialized = await daemon.initialize({
      clientName: 'appgen-cli',
      ...(apiKey ? { apiKey } : {}),
      ...(config ? { config } : {}),
      ...(readOnly ? { resumeUnfinished: false } : {}),
    });
  } catch (error) {
    throw await explain(error);
  }
  const subscribe =
    <T>(event: (listener: (value: T) => void) => { dispose(): void }) =>
    (listener: (value: T) => void) => {
      const subscription = event(listener);
      return () => subscription.dispose();
    };
  return {
    connection: daemon.connection,
    initialized,
    exited: daemon.exited.then((exit) => exit.code),
    recentLog: () => daemon.recentLog(),
    onJobChanged: subscribe(daemon.onJobChanged),
    onBatchChanged: subscribe(daemon.onBatchChanged),
    onPaused: subscribe(daemon.onPaused),
    explain,
    shutdown: async () => {
      await daemon.shutdown(CLI_SHUTDOWN_GRACE_MS);
    },
  };
}
