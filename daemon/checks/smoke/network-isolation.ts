/**
 * Whether a checked app can run in a network namespace of its own: `unshare --net --map-root-user`
 * (a user namespace too, so no root is needed where the system allows unprivileged user
 * namespaces) must start, and the interpreter must bring the namespace's loopback interface up and
 * connect over it, exactly as the sandbox will. Where that fails (no `unshare`, user namespaces
 * disabled or restricted, no /proc), the app runs on the host's network with the Python guard and
 * the proxy variables only. Measured once per interpreter per process.
 */
import { execFile } from 'node:child_process';
import { LOOPBACK_UP_CHECK } from './sandbox-guard';

export type Isolation = 'namespace' | 'host';

/** The isolation asked for: `auto` uses a namespace where one works. */
export type IsolationChoice = Isolation | 'auto';

/** The command that puts a process into a new network namespace before it runs `argv`. */
export const NAMESPACE_PREFIX = ['unshare', '--net', '--map-root-user'] as const;

const CHECK_LIMIT_MS = 5_000;
const answers = new Map<string, Promise<NamespaceProbe>>();

export type NamespaceProbe = { usable: true } | { usable: false; reason: string };

function probe(python: string): Promise<NamespaceProbe> {
  if (process.platform !== 'linux') {
    return Promise.resolve({ usable: false, reason: 'network namespaces exist on Linux only' });
  }
  const [command, ...prefix] = NAMESPACE_PREFIX;
  return new Promise((resolve) => {
    execFile(
      command,
      [...prefix, python, '-c', LOOPBACK_UP_CHECK],
      { env: { PATH: process.env.PATH ?? '' }, timeout: CHECK_LIMIT_MS, killSignal: 'SIGKILL' },
      (error, _stdout, stderr) => {
        if (!error) resolve({ usable: true });
        else {
          const why =
            (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'unshare not found' : stderr.trim();
          resolve({ usable: false, reason: why.split('\n').pop() || `unshare failed (${error.message})` });
        }
      },
    );
  });
}

/** Whether `unshare --net` works here with `python` (cached). */
export function probeNamespace(python: string): Promise<NamespaceProbe> {
  let answer = answers.get(python);
  if (!answer) {
    answer = probe(python);
    answers.set(python, answer);
  }
  return answer;
}

/** The isolation to use for `choice`, with why a namespace is not used when it is not. */
export async function chooseIsolation(
  choice: IsolationChoice,
  python: string,
): Promise<{ isolation: Isolation; note?: string }> {
  if (choice === 'host') return { isolation: 'host' };
  const found = await probeNamespace(python);
  if (found.usable) return { isolation: 'namespace' };
  const note = `no network namespace (${found.reason}); the app ran on the host's network with the Python guard`;
  if (choice === 'namespace') throw new Error(`A network namespace was asked for but ${note}`);
  return { isolation: 'host', note };
}
