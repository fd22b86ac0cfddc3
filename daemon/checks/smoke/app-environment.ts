/**
 * The environment a checked app starts with: nothing of the user's but PATH (no API key, no
 * virtualenv, no proxy setting of theirs), its port under the three names apps read, HOME and
 * TMPDIR inside the sandbox folder, the Python guard on PYTHONPATH, and every proxy variable
 * pointing at a closed loopback port, so that an HTTP client honouring them fails at once instead
 * of reaching out.
 */

import type { SandboxFolder } from './sandbox-folder';
import { RELAY_SOCKET_VARIABLE } from './sandbox-guard';

/** Port 9 (discard) on loopback: nothing listens there, so a proxied request is refused. */
export const CLOSED_PROXY = 'http://127.0.0.1:9';

export function appEnvironment(options: {
  folder: SandboxFolder;
  port: number;
  path: string | undefined;
  /** In a network namespace: the relay's socket, for the guard to serve. */
  relay: boolean;
}): Record<string, string> {
  const { folder, port } = options;
  const env: Record<string, string> = {
    PATH: options.path ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: folder.home,
    TMPDIR: folder.tmp,
    PYTHONPATH: folder.guard,
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
    PYTHONIOENCODING: 'utf-8',
    BACKEND_PORT: String(port),
    PORT: String(port),
    FLASK_RUN_PORT: String(port),
    FLASK_RUN_HOST: '127.0.0.1',
  };
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY']) {
    env[name] = CLOSED_PROXY;
    env[name.toLowerCase()] = CLOSED_PROXY;
  }
  env.NO_PROXY = '127.0.0.1,localhost';
  env.no_proxy = env.NO_PROXY;
  if (options.relay) env[RELAY_SOCKET_VARIABLE] = folder.relaySocket;
  return env;
}
