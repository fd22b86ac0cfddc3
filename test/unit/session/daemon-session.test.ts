import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../daemon/config';
import { JobQueue } from '../../../daemon/job-queue';
import { createLogger } from '../../../daemon/logger';
import { PAUSE_STATE_KEY, type PauseState } from '../../../daemon/queue-pause';
import { SecretScrubber } from '../../../daemon/secret-scrubber';
import {
  DaemonSession,
  type DaemonSessionDeps,
  RESUME_FALLBACK_MS,
  type SessionClock,
  type SessionStateStore,
} from '../../../daemon/session/daemon-session';
import { SessionSettings } from '../../../daemon/session/session-settings';
import { PROTOCOL_VERSION } from '../../../shared/protocol';

const KEY = 'sk-or-v1-session-test-key-0123456789';

/** The history's daemon state, in memory. */
class MemoryState implements SessionStateStore {
  readonly values = new Map<string, string>();
  saves = 0;
  getState(key: string): string | undefined {
    return this.values.get(key);
  }
  setState(key: string, value: string | undefined): void {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
  }
  async saveSoon(): Promise<void> {
    this.saves++;
  }
}

/** A clock whose timers run only when the test moves time on. */
class FakeClock implements SessionClock {
  private at = Date.parse('2026-03-01T10:00:00.000Z');
  private timers: Array<{ due: number; callback: () => void; cancelled: boolean }> = [];
  now = () => new Date(this.at);
  later(callback: () => void, ms: number): () => void {
    const timer = { due: this.at + ms, callback, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }
  get pending(): number {
    return this.timers.filter((timer) => !timer.cancelled).length;
  }
  tick(ms: number): void {
    this.at += ms;
    const due = this.timers.filter((timer) => timer.due <= this.at);
    this.timers = this.timers.filter((timer) => timer.due > this.at);
    for (const timer of due) if (!timer.cancelled) timer.callback();
  }
}

interface Setup {
  session: DaemonSession;
  settings: SessionSettings;
  queue: JobQueue;
  state: MemoryState;
  clock: FakeClock;
  lines: string[];
  paused: PauseState[];
  calls: { resumeJobs: number; recheckApps: number };
  scrubber: SecretScrubber;
}

function setup(
  options: {
    envKey?: string;
    unfinished?: number;
    state?: MemoryState;
    env?: Partial<typeof DEFAULT_CONFIG>;
  } = {},
): Setup {
  const scrubber = new SecretScrubber();
  const lines: string[] = [];
  const log = createLogger((line) => lines.push(line), undefined, scrubber);
  const envConfig = { ...DEFAULT_CONFIG, ...options.env };
  const settings = new SessionSettings(envConfig, options.envKey, (key) => log.redact(key));
  const queue = new JobQueue({ enabled: envConfig.useQueue, maxConcurrent: envConfig.maxConcurrent });
  const state = options.state ?? new MemoryState();
  const clock = new FakeClock();
  const paused: PauseState[] = [];
  const calls = { resumeJobs: 0, recheckApps: 0 };
  const deps: DaemonSessionDeps = {
    workspace: '/ws',
    settings,
    state,
    queue,
    unfinishedJobs: () => options.unfinished ?? 0,
    resumeJobs: () => ++calls.resumeJobs,
    recheckApps: () => {
      calls.recheckApps++;
      return 0;
    },
    onPaused: (pause) => paused.push(pause),
    clock,
    log,
  };
  return { session: new DaemonSession(deps), settings, queue, state, clock, lines, paused, calls, scrubber };
}

describe('DaemonSession', () => {
  describe('initialize', () => {
    it('answers with the settings in force, and the environment key when the client sends none', () => {
      const { session } = setup({ envKey: KEY, env: { maxConcurrent: 3 } });
      const result = session.initialize({ clientName: 'test' });
      assert.deepEqual(result, {
        protocolVersion: PROTOCOL_VERSION,
        daemonVersion: result.daemonVersion,
        workspace: '/ws',
        queue: { enabled: true, maxConcurrent: 3 },
        hasApiKey: true,
        outputDir: DEFAULT_CONFIG.outputDir,
      });
    });

    it('applies config over the environment, and configures the queue with it', () => {
      const { session, queue, settings, lines } = setup({ env: { maxConcurrent: 3 } });
      const result = session.initialize({ config: { maxConcurrent: 7, outputDir: 'out/apps' } });
      assert.deepEqual(result.queue, { enabled: true, maxConcurrent: 7 });
      assert.equal(result.outputDir, 'out/apps');
      assert.deepEqual(queue.info, { enabled: true, maxConcurrent: 7 });
      assert.equal(settings.config.outputDir, 'out/apps');
      assert.match(lines.at(-1)!, /max_concurrent=7/);
    });

    it('replaces earlier overrides with the next config, and leaves them without one', () => {
      const { session, queue } = setup({ env: { maxConcurrent: 3 } });
      session.initialize({ config: { maxConcurrent: 7, useQueue: false } });
      session.initialize({ clientName: 'cli' });
      assert.deepEqual(queue.info, { enabled: false, maxConcurrent: 7 }, 'no config: the settings stay');
      session.initialize({ config: { GENERATION_MAX_CONCURRENT: '2' } });
      assert.deepEqual(
        queue.info,
        { enabled: true, maxConcurrent: 2 },
        'useQueue is back to the environment',
      );
    });

    it('refuses a config it cannot use, changing nothing', () => {
      const { session, settings } = setup({ envKey: KEY });
      assert.throws(
        () => session.initialize({ apiKey: '', config: { maxConcurrent: 0 } }),
        /config.maxConcurrent must be an integer from 1 to 1000, got 0/,
      );
      assert.equal(settings.config.maxConcurrent, DEFAULT_CONFIG.maxConcurrent);
      assert.equal(settings.apiKey, KEY, 'the key is not cleared either');
    });

    it('takes a key from apiKey, or from config by either name, and an empty key clears it', () => {
      const { session, settings } = setup();
      assert.equal(session.initialize({}).hasApiKey, false);
      assert.equal(session.initialize({ apiKey: KEY }).hasApiKey, true);
      assert.equal(settings.apiKey, KEY);
      assert.equal(session.initialize({ apiKey: '' }).hasApiKey, false);
      assert.equal(settings.apiKey, undefined);
      session.initialize({ config: { OPENROUTER_API_KEY: `${KEY}-a` } });
      assert.equal(settings.apiKey, `${KEY}-a`);
      session.initialize({ config: { apiKey: `${KEY}-b` } });
      assert.equal(settings.apiKey, `${KEY}-b`);
      session.initialize({ clientName: 'cli' });
      assert.equal(settings.apiKey, `${KEY}-b`, 'a client without a key leaves the one in force');
    });

    it('tells the scrubber of every key, the environment one first', () => {
      const { session, scrubber, lines } = setup({ envKey: KEY });
      session.initialize({ apiKey: `${KEY}-2`, clientName: `${KEY}-2` });
      session.initialize({ config: { OPENROUTER_API_KEY: `${KEY}-3` } });
      assert.throws(() => session.initialize({ apiKey: `${KEY}-4`, config: { nope: 1 } }));
      for (const key of [KEY, `${KEY}-2`, `${KEY}-3`, `${KEY}-4`]) {
        assert.equal(scrubber.scrub(`x ${key} y`), 'x [redacted] y', key);
      }
      assert.ok(lines.length > 0 && lines.every((line) => !line.includes(KEY)), lines.join(''));
    });
  });

  describe('the pause', () => {
    it('pauses after a 402 and keeps it in the state, and resume ends it', () => {
      const { session, state, queue, paused } = setup();
      session.startGate.ended('job-1', 'no_credits');
      assert.equal(session.paused?.cause, 'insufficient_credits');
      assert.equal(paused.length, 1, 'told once');
      session.startGate.ended('job-2', 'no_credits');
      assert.equal(paused.length, 1, 'a second 402 is the same pause');
      const kept = JSON.parse(state.getState(PAUSE_STATE_KEY)!) as PauseState;
      assert.deepEqual(kept, { ...session.paused, since: '2026-03-01T10:00:00.000Z' });
      assert.ok(state.saves > 0, 'saved soon');
      assert.equal(queue.paused, true);
      assert.equal(session.resume(), true);
      assert.equal(session.paused, undefined);
      assert.equal(queue.paused, false);
      assert.equal(state.getState(PAUSE_STATE_KEY), undefined);
      assert.equal(session.resume(), false, 'nothing to resume');
    });

    it('stays paused across a restart, without telling the clients again', () => {
      const state = new MemoryState();
      setup({ state }).session.startGate.ended('job-1', 'no_credits');
      const { session, paused, lines, queue } = setup({ state });
      assert.equal(session.paused?.cause, 'insufficient_credits');
      assert.equal(queue.paused, true);
      assert.deepEqual(paused, []);
      assert.ok(lines.some((line) => line.includes('the queue stays paused since 2026-03-01T10:00:00.000Z')));
    });

    it('stays paused when a new key comes', () => {
      const { session } = setup();
      session.startGate.ended('job-1', 'no_credits');
      session.initialize({ apiKey: KEY });
      assert.equal(session.paused?.cause, 'insufficient_credits');
    });

    it('after a 402, a resume lets one job start first, and the others once it has succeeded', async () => {
      const { session } = setup();
      session.startGate.ended('job-0', 'no_credits');
      session.resume();
      const started: string[] = [];
      for (const id of ['a', 'b']) void session.startGate.pass(id).then(() => started.push(id));
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(started, ['a']);
      session.startGate.ended('a', 'succeeded');
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(started, ['a', 'b']);
    });
  });

  describe('resuming what an earlier daemon left', () => {
    it('waits for the first initialize, resumes once, and cancels the fallback', () => {
      const { session, clock, calls } = setup({ envKey: KEY, unfinished: 2 });
      session.initialize({}); // before the daemon serves: nothing yet
      assert.deepEqual(calls, { resumeJobs: 0, recheckApps: 0 });
      session.resumeAfterInitialize();
      assert.equal(clock.pending, 1);
      session.initialize({});
      assert.deepEqual(calls, { resumeJobs: 1, recheckApps: 1 });
      assert.equal(clock.pending, 0, 'the fallback timer is cancelled');
      session.initialize({});
      clock.tick(RESUME_FALLBACK_MS);
      assert.deepEqual(calls, { resumeJobs: 1, recheckApps: 1 }, 'once only');
      assert.equal(session.paused, undefined, 'with a key, no pause');
    });

    it(`resumes after ${RESUME_FALLBACK_MS} ms when no client initializes, once`, () => {
      const { session, clock, calls } = setup({ envKey: KEY });
      session.resumeAfterInitialize();
      session.resumeAfterInitialize();
      clock.tick(RESUME_FALLBACK_MS - 1);
      assert.deepEqual(calls, { resumeJobs: 0, recheckApps: 0 });
      clock.tick(1);
      assert.deepEqual(calls, { resumeJobs: 1, recheckApps: 1 });
      session.initialize({});
      clock.tick(RESUME_FALLBACK_MS);
      assert.deepEqual(calls, { resumeJobs: 1, recheckApps: 1 });
    });

    it('leaves the work to a later client when the first initialize only reads, with no fallback', () => {
      const { session, clock, calls } = setup({ unfinished: 2 });
      session.resumeAfterInitialize();
      session.initialize({ clientName: 'cli', resumeUnfinished: false });
      assert.deepEqual(calls, { resumeJobs: 0, recheckApps: 0 });
      assert.equal(clock.pending, 0, 'nothing starts on its own either');
      clock.tick(RESUME_FALLBACK_MS);
      assert.deepEqual(calls, { resumeJobs: 0, recheckApps: 0 });
      assert.equal(session.paused, undefined, 'a reader without a key pauses nothing');
      session.initialize({ clientName: 'vscode', apiKey: KEY });
      assert.deepEqual(calls, { resumeJobs: 1, recheckApps: 1 });
      assert.equal(session.paused, undefined);
    });

    it('pauses for a key when jobs are left and the first initialize brings none', () => {
      const { session, paused, calls } = setup({ unfinished: 3 });
      session.resumeAfterInitialize();
      session.initialize({ clientName: 'cli' });
      assert.equal(session.paused?.cause, 'no_api_key');
      assert.equal(paused.length, 1);
      assert.equal(calls.resumeJobs, 1, 'the jobs are queued, behind the pause');
      // A key now does not resume: that is the user's choice.
      session.initialize({ apiKey: KEY });
      assert.equal(session.paused?.cause, 'no_api_key');
    });

    it('does not pause without a key when no job is left', () => {
      const { session } = setup({ unfinished: 0 });
      session.resumeAfterInitialize();
      session.initialize({});
      assert.equal(session.paused, undefined);
    });

    it('does not pause when the first initialize brings the key', () => {
      const { session } = setup({ unfinished: 3 });
      session.resumeAfterInitialize();
      session.initialize({ apiKey: KEY });
      assert.equal(session.paused, undefined);
    });
  });
});
