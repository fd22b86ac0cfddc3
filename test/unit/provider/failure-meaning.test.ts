import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { AppLocks } from '../../../daemon/app-locks';
import { AppStore } from '../../../daemon/app-store';
import { ArtifactStore } from '../../../daemon/artifacts';
import { DaemonError } from '../../../daemon/daemon-error';
import { GenerationService } from '../../../daemon/generation-service';
import { HistoryStore } from '../../../daemon/history/history-store';
import { JobQueue } from '../../../daemon/job-queue';
import { createLogger } from '../../../daemon/logger';
import { openRouterProvider } from '../../../daemon/openrouter/openrouter-provider';
import type { ProbeOutcome } from '../../../daemon/probe-gate';
import type { FailureMeaning, ModelProvider } from '../../../daemon/provider/model-provider';
import { parseTemplate, type Template } from '../../../daemon/templates/template';
import type { ErrorCode } from '../../../shared/errors';
import { sqlJs } from '../../support/sql-js';
import { tempDir } from '../history/history-test-helpers';

function template(): Template {
  const result = parseTemplate(JSON.stringify({ slug: 'notes', name: 'Notes' }), 'notes.json');
  if (!result.ok) throw new Error(result.reason);
  return result.template;
}

/** A provider that says `outOfCredits` means its credits ran out, and nothing else does. */
function providerWhere(outOfCredits: ErrorCode): ModelProvider {
  return {
    ...openRouterProvider,
    name: 'Local',
    failureMeaning: (error): FailureMeaning =>
      error.code === outOfCredits ? 'out_of_credits' : 'this_job_only',
  };
}

describe('what a failed call means for the queue comes from the provider', () => {
  let SQL: SqlJsStatic;
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: HistoryStore | undefined;

  before(async () => {
    SQL = await sqlJs();
  });
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(async () => {
    await store?.close().catch(() => undefined);
    store = undefined;
    await cleanup();
  });

  /** Runs one job whose model call fails with `code`; how the start gate was told it ended. */
  async function outcomeOfFailure(provider: ModelProvider, code: ErrorCode): Promise<ProbeOutcome> {
    store = await HistoryStore.open({ file: join(dir, '.appgen', 'history.sqlite'), sqlJs: SQL });
    let told: (outcome: ProbeOutcome) => void = () => {};
    const ended = new Promise<ProbeOutcome>((resolve) => {
      told = resolve;
    });
    let id = 0;
    const service = new GenerationService({
      workspace: dir,
      store,
      queue: new JobQueue({ enabled: true, maxConcurrent: 1 }),
      log: createLogger(() => undefined),
      outputDir: () => 'generated/apps',
      findTemplate: async (slug) => (slug === 'notes' ? template() : undefined),
      newId: () => `job-${++id}`,
      onChanged: () => {},
      callModel: async () => {
        throw new DaemonError(code, `the call failed with ${code}`, { attempts: 1 });
      },
      provider,
      appStore: new AppStore(dir, join(dir, '.appgen')),
      artifacts: new ArtifactStore(dir, (text) => text),
      locks: new AppLocks(() => 60_000),
      now: () => new Date(),
      startGate: { pass: async () => {}, ended: (_jobId, outcome) => told(outcome), open: () => {} },
    });
    await service.start({ templateSlug: 'notes', model: 'acme/coder' });
    const outcome = await ended;
    await service.shutdown();
    return outcome;
  }

  it('OpenRouter: insufficient_credits (its 402) pauses the queue; a rate limit does not', async () => {
    assert.equal(await outcomeOfFailure(openRouterProvider, 'insufficient_credits'), 'no_credits');
    await store?.close();
    assert.equal(await outcomeOfFailure(openRouterProvider, 'rate_limited'), 'other');
  });

  it('a provider without credits never pauses for insufficient_credits', async () => {
    assert.equal(await outcomeOfFailure(providerWhere('forbidden'), 'insufficient_credits'), 'other');
  });

  it('a provider that names another code for spent credits pauses on that code', async () => {
    assert.equal(await outcomeOfFailure(providerWhere('forbidden'), 'forbidden'), 'no_credits');
  });
});

describe('openRouterProvider.failureMeaning', () => {
  it('says out_of_credits for insufficient_credits only', () => {
    assert.equal(
      openRouterProvider.failureMeaning({ code: 'insufficient_credits', message: '402', status: 402 }),
      'out_of_credits',
    );
    for (const code of ['unauthorized', 'rate_limited', 'upstream', 'cancelled', 'lock_timeout'] as const) {
      assert.equal(openRouterProvider.failureMeaning({ code, message: code }), 'this_job_only', code);
    }
  });
});
