/**
 * The smoke check of one generated app: its backend copied into a sandbox folder, started with
 * `python3 app.py` on a free loopback port in a process group (and, where the system allows, a
 * network namespace) of its own, probed once `GET /api/health` answers (every template endpoint,
 * the error conventions, the security probes), then stopped with everything it started and the
 * sandbox removed. The app folder is only read. The whole check is bounded by `timeoutMs`; stopping
 * the app adds at most the 2 s grace of SIGTERM. It never throws for what the app does: every
 * outcome is a result. It knows nothing of jobs, the history or JSON-RPC.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TemplateEndpoint } from '../../templates/template';
import { appEnvironment } from './app-environment';
import { type AppExit, AppProcess } from './app-process';
import { probeEndpoints } from './endpoint-probes';
import { probeErrorConventions } from './error-convention-probes';
import { findPython } from './find-python';
import { forkserverFor } from './forkserver';
import { chooseIsolation, type IsolationChoice } from './network-isolation';
import { type AppTarget, sendHttp } from './probe-http';
import { answerWords, ProbeSession } from './probe-session';
import {
  MAX_SOCKET_PATH_BYTES,
  makeSandboxFolder,
  removeSandboxFolder,
  SandboxCopyError,
  type SandboxFolder,
} from './sandbox-folder';
import { probeSecurity } from './security-probes';
import type { SmokeLimiter } from './smoke-limiter';
import type { Probe, SmokeResult } from './smoke-result';
import { smokeVerdict } from './smoke-verdict';
import { type HealthWait, waitForHealth } from './wait-for-health';

export interface SmokeCheckOptions {
  /** The app folder (absolute); its `backend/app.py` is run. */
  appDir: string;
  /** The app's template: its endpoints are probed. */
  template: { api_endpoints: readonly TemplateEndpoint[] };
  /** The interpreter; undefined: PATH's `python3`, then `/usr/bin/python3`. */
  python?: string;
  /** The whole check's limit (default 30 s). */
  timeoutMs?: number;
  /** How long the app has to answer `GET /api/health` (default 10 s, within `timeoutMs`). */
  healthTimeoutMs?: number;
  /** `auto` (default): a network namespace where one works, else the host's network. */
  isolation?: IsolationChoice;
  /** Where the sandbox folder is made (default the system's temporary folder). */
  tempRoot?: string;
  /** Milliseconds, for `durationMs` and the limits. */
  clock?: () => number;
  /** A free TCP port on 127.0.0.1. */
  findPort?: () => Promise<number>;
  /** The line the check waits in; none: it starts at once. */
  limiter?: SmokeLimiter;
  /**
   * `fork` (default): the app is forked from a Python that has Flask imported already (see
   * forkserver.ts), where one starts; `spawn`: a new interpreter for this app alone.
   */
  start?: 'fork' | 'spawn';
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_HEALTH_TIMEOUT_MS = 10_000;
const OUTPUT_LINES_IN_REASON = 6;

export function runSmokeCheck(options: SmokeCheckOptions): Promise<SmokeResult> {
  if (!isAbsolute(options.appDir)) {
    return Promise.reject(new TypeError(`The app folder must be an absolute path, got "${options.appDir}"`));
  }
  return options.limiter ? options.limiter.run(() => check(options)) : check(options);
}

/** A free port on 127.0.0.1, as the system hands one out. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function check(options: SmokeCheckOptions): Promise<SmokeResult> {
  const clock = options.clock ?? Date.now;
  const started = clock();
  const deadline = started + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const result = (
    fields: Omit<SmokeResult, 'durationMs' | 'endpointsTotal' | 'endpointsOk' | 'probes'> &
      Partial<SmokeResult>,
  ): SmokeResult => ({
    endpointsOk: 0,
    endpointsTotal: options.template.api_endpoints.length,
    probes: [],
    ...fields,
    durationMs: clock() - started,
  });

  const backendDir = join(options.appDir, 'backend');
  if (!existsSync(join(backendDir, 'app.py'))) {
    return result({
      verdict: 'failed',
      reason: `${join(options.appDir, 'backend', 'app.py')} does not exist`,
    });
  }
  const python = await findPython(options.python);
  if (!python.ok) return result({ verdict: 'skipped', reason: python.reason });
  let isolation: Awaited<ReturnType<typeof chooseIsolation>>;
  try {
    isolation = await chooseIsolation(options.isolation ?? 'auto', python.executable);
  } catch (error) {
    return result({ verdict: 'skipped', reason: (error as Error).message });
  }

  let folder: SandboxFolder;
  try {
    folder = await makeSandboxFolder(options.tempRoot ?? tmpdir(), backendDir);
  } catch (error) {
    const why =
      error instanceof SandboxCopyError
        ? error.message
        : `the backend could not be copied: ${(error as Error).message}`;
    return result({ verdict: 'failed', reason: why });
  }
  const notes: string[] = isolation.note ? [isolation.note] : [];
  if (isolation.isolation === 'namespace' && Buffer.byteLength(folder.relaySocket) > MAX_SOCKET_PATH_BYTES) {
    isolation = { isolation: 'host' };
    notes.push(`the sandbox folder's path is too long for a Unix socket; the app ran on the host's network`);
  }
  const relay = isolation.isolation === 'namespace';
  let app: AppProcess | undefined;
  try {
    const port = await (options.findPort ?? findFreePort)();
    const env = appEnvironment({ folder, port, path: process.env.PATH, relay });
    const forkserver =
      (options.start ?? 'fork') === 'fork' && Buffer.byteLength(folder.stdoutSocket) <= MAX_SOCKET_PATH_BYTES
        ? await forkserverFor(python.executable)
        : undefined;
    app = new AppProcess({
      python: python.executable,
      isolation: isolation.isolation,
      folder,
      env,
      ...(forkserver ? { forkserver } : {}),
    });
    const target: AppTarget = relay ? { port, socketPath: folder.relaySocket } : { port };
    const health = await waitForHealth({
      ask: (timeoutMs) => sendHttp(target, { method: 'GET', path: '/api/health', timeoutMs }),
      exited: app.exited,
      printed: () => app!.printed(),
      limitMs: Math.min(options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS, deadline - clock()),
      clock,
      sleep: (ms) => sleep(ms),
    });
    if (!health.ok) {
      const reason = [notStartedReason(health, app, options.healthTimeoutMs, deadline - started), ...notes];
      if (!readsBackendPort(folder.backend)) {
        reason.push(
          `backend/app.py does not read BACKEND_PORT (it was given port ${port} in BACKEND_PORT, PORT and FLASK_RUN_PORT)`,
        );
      }
      // The sandbox's paths mean nothing once it is gone: `backend/app.py` says where.
      return result({ verdict: 'failed', reason: reason.join('; ').replaceAll(`${folder.root}/`, '') });
    }

    const session = new ProbeSession(target, deadline, clock);
    const endpoints = options.template.api_endpoints;
    const probes: Probe[] = [...(await probeEndpoints(session, endpoints))];
    probes.push(...(await probeErrorConventions(session, endpoints)));
    probes.push(...(await probeSecurity(session, endpoints)));
    const endpointsOk = probes.filter((probe) => probe.kind === 'endpoint' && probe.verdict === 'ok').length;
    if (session.expired) {
      const limit = (deadline - started) / 1000;
      return result({
        verdict: 'failed',
        reason: [`the check did not finish within ${limit} s`, ...notes].join('; '),
        endpointsOk,
        probes,
      });
    }
    const { verdict, reason } = smokeVerdict(probes);
    const why = [reason, ...notes].filter((part) => part !== undefined).join('; ');
    return result({ verdict, endpointsOk, probes, ...(why ? { reason: why } : {}) });
  } finally {
    await app?.stop(folder.root);
    await removeSandboxFolder(folder);
  }
}

function notStartedReason(
  health: Exclude<HealthWait, { ok: true }>,
  app: AppProcess,
  healthTimeoutMs: number | undefined,
  timeoutMs: number,
): string {
  // Tracebacks go to stderr; an app that wrote nothing there may have said why on stdout.
  const stream = app.stderr.keptBytes > 0 ? app.stderr : app.stdout;
  const name = stream === app.stderr ? 'stderr' : 'stdout';
  const printed = stream.lastLines(OUTPUT_LINES_IN_REASON);
  const dropped = stream.dropped > 0 ? ` (${stream.dropped} bytes before them not kept)` : '';
  const tail = printed ? `; the last lines on its ${name}${dropped}:\n${printed}` : '';
  if (health.exit) return `backend/app.py ${exitWords(health.exit)} before GET /api/health answered${tail}`;
  const limitMs = Math.min(healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS, timeoutMs);
  const last = health.last ? ` (last: ${answerWords(health.last)})` : '';
  return `GET /api/health did not answer 2xx within ${limitMs / 1000} s${last}${tail}`;
}

function exitWords(exit: AppExit): string {
  if (exit.error) return `could not start (${exit.error})`;
  if (exit.signal) return `was ended by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}

/** Whether any Python file of the backend names BACKEND_PORT (how the scaffold reads its port). */
function readsBackendPort(backend: string): boolean {
  const files = readdirSync(backend, { recursive: true, encoding: 'utf8' }).filter((name) =>
    name.endsWith('.py'),
  );
  return files.slice(0, 200).some((name) => {
    try {
      return readFileSync(join(backend, name), 'utf8').includes('BACKEND_PORT');
    } catch {
      return false;
    }
  });
}
