/**
 * One mutex per app (`{model_slug}/app{N}`), so commits to one app run one after another while
 * different apps commit in parallel. Mutexes are dropped when nobody holds or waits for them.
 */
import { E_TIMEOUT, Mutex, type MutexInterface, withTimeout } from 'async-mutex';
import { DaemonError } from './daemon-error';

export class AppLocks {
  private readonly locks = new Map<string, { mutex: MutexInterface; users: number }>();

  constructor(private readonly timeoutMs: () => number) {}

  /**
   * Runs `fn` holding the lock for `key`; fails with `lock_timeout` if it cannot be had in time,
   * and with `cancelled` as soon as `signal` aborts while it waits (a running `fn` is not stopped).
   */
  async runExclusive<T>(key: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    let entry = this.locks.get(key);
    if (!entry) {
      // A timeout of 0 means: fail at once when the app is busy. The mutex times out with
      // E_TIMEOUT, turned into lock_timeout below: an error made up front for every new lock would
      // capture a stack trace per job for a case that almost never comes.
      entry = { mutex: withTimeout(new Mutex(), this.timeoutMs()), users: 0 };
      this.locks.set(key, entry);
    }
    entry.users++;
    try {
      const release = await acquire(entry.mutex, key, signal);
      try {
        return await fn();
      } finally {
        release();
      }
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

/**
 * The mutex's releaser, or a `cancelled` rejection as soon as `signal` aborts. async-mutex cannot
 * withdraw one waiter, so an abandoned turn is passed on the moment it comes.
 */
function acquire(
  mutex: MutexInterface,
  key: string,
  signal: AbortSignal | undefined,
): Promise<MutexInterface.Releaser> {
  if (!signal) return mutex.acquire();
  const cancelled = () => new DaemonError('cancelled', `Cancelled while waiting for the lock of ${key}`);
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    mutex.acquire().then(
      (release) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) release();
        else resolve(release);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
