/**
 * One mutex per app (`{model_slug}/app{N}`), so commits to one app run one after another while
 * different apps commit in parallel. Mutexes are dropped when nobody holds or waits for them.
 */
import { E_TIMEOUT, Mutex, type MutexInterface, withTimeout } from 'async-mutex';
import { DaemonError } from './daemon-error';

export class AppLocks {
  private readonly locks = new Map<string, { mutex: MutexInterface; users: number }>();

  constructor(private readonly timeoutMs: () => number) {}

  /** Runs `fn` holding the lock for `key`; fails with `lock_timeout` if it cannot be had in time. */
  async runExclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let entry = this.locks.get(key);
    if (!entry) {
      const timeout = this.timeoutMs();
      const timeoutError = new DaemonError('lock_timeout', `Timeout acquiring lock for ${key}`);
      // A timeout of 0 means: fail at once when the app is busy.
      entry = { mutex: withTimeout(new Mutex(), timeout, timeoutError), users: 0 };
      this.locks.set(key, entry);
    }
    entry.users++;
    try {
      return await entry.mutex.runExclusive(fn);
    } catch (error) {
      if (error === E_TIMEOUT) throw new DaemonError('lock_timeout', `Timeout acquiring lock for ${key}`);
      throw error;
    } finally {
      entry.users--;
      if (entry.users === 0) this.locks.delete(key);
    }
  }

  /** Keys currently held or waited for. */
  busyKeys(): string[] {
    return [...this.locks.keys()];
  }
}
