/**
 * Processes that hold a workspace's lock without being the daemon it expects: a live process that
 * serves nothing (a pid reused after a daemon died), or one that serves the lock's socket and says
 * something of its own there. Killed after each test of the suite that registers them.
 */
import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LockInfo } from '../../daemon/workspace-lock';

export function lockFile(workspace: string): string {
  return join(workspace, '.appgen', 'daemon.lock');
}

export function readLock(workspace: string): LockInfo {
  return JSON.parse(readFileSync(lockFile(workspace), 'utf8')) as LockInfo;
}

export function writeLock(workspace: string, info: LockInfo): void {
  mkdirSync(join(workspace, '.appgen'), { recursive: true });
  writeFileSync(lockFile(workspace), JSON.stringify(info));
}

export interface LockHolders {
  /** A live process that never serves the workspace; resolves with its pid. */
  live(): Promise<number>;
  /**
   * A live process listening on `socket` that writes `answer` (PID replaced by its pid) to every
   * connection; resolves with its pid once it listens.
   */
  serving(socket: string, answer: string): Promise<number>;
  /** Resolves once the holder with `pid` has answered a connection. */
  answered(pid: number): Promise<void>;
  /** The holder with `pid`. */
  get(pid: number): ChildProcess;
}

/** Registers an afterEach in the calling suite that kills the holders its test started. */
export function lockHoldersPerTest(): LockHolders {
  const holders = new Map<number, { child: ChildProcess; printed: string }>();

  afterEach(async () => {
    for (const { child } of holders.values()) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    }
    holders.clear();
  });

  const started = async (child: ChildProcess): Promise<number> => {
    await once(child, 'spawn');
    const entry = { child, printed: '' };
    holders.set(child.pid!, entry);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      entry.printed += chunk;
    });
    return child.pid!;
  };

  const printedText = async (pid: number, text: string): Promise<void> => {
    const entry = holders.get(pid)!;
    while (!entry.printed.includes(text)) {
      const [chunk] = (await Promise.race([
        once(entry.child.stdout!, 'data'),
        once(entry.child, 'exit'),
      ])) as [unknown];
      if (typeof chunk !== 'string') assert.fail(`the lock holder exited before printing "${text}"`);
    }
  };

  return {
    live: () => started(spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })),
    serving: async (socket, answer) => {
      const script = `
        const net = require('node:net');
        require('node:fs').rmSync(process.argv[1], { force: true });
        net.createServer((c) => {
          c.on('error', () => {});
          c.write(process.argv[2].replace('PID', String(process.pid)));
          process.stdout.write('answered\\n');
        }).listen(process.argv[1], () => process.stdout.write('listening\\n'));`;
      const pid = await started(
        spawn(process.execPath, ['-e', script, socket, answer], { stdio: ['ignore', 'pipe', 'inherit'] }),
      );
      await printedText(pid, 'listening');
      return pid;
    },
    answered: (pid) => printedText(pid, 'answered'),
    get: (pid) => holders.get(pid)!.child,
  };
}
