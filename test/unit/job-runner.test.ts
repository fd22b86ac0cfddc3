import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppLocks } from '../../daemon/app-locks';
import { AppStore, type CommitRequest, type CommitResult } from '../../daemon/app-store';
import { replacedVersionOf } from '../../daemon/app-versions';
import type { ArtifactStore, CallArtifacts } from '../../daemon/artifacts';
import { findCommit } from '../../daemon/commit-record';
import { DaemonError } from '../../daemon/daemon-error';
import { type JobProgress, type JobRunnerDeps, type ModelCaller, runJob } from '../../daemon/job-runner';
import { openRouterProvider } from '../../daemon/openrouter/openrouter-provider';
import type { ChatResult } from '../../daemon/provider/chat-call';
import { detectComponent } from '../../daemon/simulator/simulated-reply';
import { parseTemplate, type Template } from '../../daemon/templates/template';
import { COMMIT_RECORD_FILE } from '../../shared/workspace-layout';
import { minimalJob } from '../support/job-fixtures';
import { tempDir } from './history/history-test-helpers';

function template(): Template {
  const result = parseTemplate(
    JSON.stringify({
      slug: 'crud_todo_list',
      name: 'Todo List',
      api_endpoints: [
        { method: 'GET', path: '/api/todos', description: 'List', request: null, response: { items: [] } },
      ],
    }),
    'crud_todo_list.json',
  );
  if (!result.ok) throw new Error(result.reason);
  return result.template;
}

function answer(code: string): ChatResult {
  return {
    content: code,
    finishReason: 'stop',
    attempts: 1,
    status: 200,
    durationMs: 5,
    requestPayload: { model: 'openai/gpt-4o', messages: [] },
    rawResponse: JSON.stringify({ choices: [{ message: { content: code } }] }),
  };
}

const BACKEND = '```python app.py\nprint("hi")\n```\n';
const FRONTEND = '```jsx src/App.jsx\nexport default function App() { return null; }\n```\n';

/** Deps recording artifacts and commits; the model answers with `call`, the commit with `commit`. */
function fakeDeps(
  call: ModelCaller,
  commit: (request: CommitRequest) => Promise<CommitResult> = async () => ({ files: ['backend/app.py'] }),
  locks = new AppLocks(() => 60_000),
) {
  const saved: CallArtifacts[] = [];
  let clock = Date.parse('2025-02-09T10:00:00.000Z');
  const deps: JobRunnerDeps = {
    callModel: call,
    provider: openRouterProvider,
    appStore: { readFile: async () => undefined, commit } as unknown as AppStore,
    artifacts: {
      folderOf: () => '.appgen/artifacts/openai_gpt-4o/app1',
      save: async (_slug: string, _appNum: number, artifacts: CallArtifacts) => {
        saved.push(artifacts);
        return '';
      },
    } as unknown as ArtifactStore,
    locks,
    now: () => {
      clock += 250; // every reading a quarter second later: a call has a duration
      return new Date(clock);
    },
  };
  return { deps, saved };
}

function progress(events: string[] = []): JobProgress {
  return {
    phase: (phase) => events.push(`phase ${phase}`),
    attempt: () => events.push('attempt'),
    usage: () => events.push('usage'),
    retry: () => events.push('retry'),
    committing: () => events.push('committing'),
  };
}

const PORTS = { backend: 5001, frontend: 5173 };

describe('runJob', () => {
  describe('artifacts of a failed model call', () => {
    it('keeps the request and the metadata of a call that got no response at all', async () => {
      const network = new DaemonError(
        'network',
        'Connection reset by the server (gave up after 3 attempts)',
        {
          attempts: 3,
        },
      );
      const { deps, saved } = fakeDeps(async () => {
        throw network;
      });
      const job = minimalJob({ options: { temperature: 0.2, maxTokens: 900 } });
      await assert.rejects(
        runJob(job, template(), PORTS, deps, progress(), new AbortController().signal),
        (error) => error === network,
      );
      assert.equal(saved.length, 1);
      const kept = saved[0]!;
      assert.equal(kept.jobId, job.id);
      assert.equal(kept.component, 'backend');
      assert.equal(kept.rawResponse, '', 'no response: an empty one');
      const request = kept.request as {
        model: string;
        messages: unknown[];
        temperature: number;
        max_tokens: number;
      };
      assert.equal(request.model, 'openai/gpt-4o');
      assert.equal(request.messages.length, 2, 'the system and user prompts that were sent');
      assert.equal(request.temperature, 0.2);
      assert.equal(request.max_tokens, 900);
      assert.deepEqual(kept.meta.error, { code: 'network', message: network.message });
      assert.equal(kept.meta.attempts, 3);
      assert.equal(typeof kept.meta.durationMs, 'number');
      assert.ok((kept.meta.durationMs as number) > 0);
    });

    it('keeps the raw response and the status of a call that the server refused', async () => {
      const refused = new DaemonError('bad_request', 'Invalid model', {
        status: 400,
        attempts: 1,
        rawResponse: '{"error":{"message":"Invalid model"}}',
      });
      const { deps, saved } = fakeDeps(async () => {
        throw refused;
      });
      await assert.rejects(
        runJob(minimalJob(), template(), PORTS, deps, progress(), new AbortController().signal),
      );
      assert.equal(saved[0]!.rawResponse, '{"error":{"message":"Invalid model"}}');
      assert.deepEqual(saved[0]!.meta.error, { code: 'bad_request', message: 'Invalid model', status: 400 });
    });

    it('keeps the failed frontend call next to the backend call that worked', async () => {
      const { deps, saved } = fakeDeps(async (request) => {
        if (detectComponent(request.messages) === 'frontend') {
          throw new DaemonError('timeout', 'The model call timed out', { attempts: 1 });
        }
        return answer(BACKEND);
      });
      await assert.rejects(
        runJob(minimalJob(), template(), PORTS, deps, progress(), new AbortController().signal),
        { code: 'timeout' },
      );
      assert.deepEqual(
        saved.map((s) => [s.component, s.meta.error === undefined ? 'ok' : 'failed']),
        [
          ['backend', 'ok'],
          ['frontend', 'failed'],
        ],
      );
    });

    it('reports the call failure when the artifacts cannot be written either', async () => {
      const network = new DaemonError('network', 'Connection refused', { attempts: 1 });
      const { deps } = fakeDeps(async () => {
        throw network;
      });
      deps.artifacts.save = async () => {
        throw new Error('ENOSPC: no space left on device');
      };
      await assert.rejects(
        runJob(minimalJob(), template(), PORTS, deps, progress(), new AbortController().signal),
        (error) => error === network,
      );
    });
  });

  describe('the commit', () => {
    it('says when the commit begins, under the lock, after the model calls', async () => {
      const events: string[] = [];
      const { deps } = fakeDeps(
        async (request) => answer(detectComponent(request.messages) === 'frontend' ? FRONTEND : BACKEND),
        async () => {
          events.push('commit');
          return { files: ['backend/app.py', 'frontend/src/App.jsx'] };
        },
      );
      const outcome = await runJob(
        minimalJob(),
        template(),
        PORTS,
        deps,
        progress(events),
        new AbortController().signal,
      );
      assert.deepEqual(outcome.files, ['backend/app.py', 'frontend/src/App.jsx']);
      assert.deepEqual(events.slice(-3), ['phase merging', 'committing', 'commit']);
    });

    it('commits a record of the job into the app itself, with what it wrote and what it cost', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        let generation = 0;
        const { deps } = fakeDeps(async (request) => ({
          ...answer(detectComponent(request.messages) === 'frontend' ? FRONTEND : BACKEND),
          attempts: 2,
          usage: { promptTokens: 10, completionTokens: 100, costUsd: 0.5 },
          generationId: `gen-${++generation}`,
          provider: 'Sim',
        }));
        deps.appStore = new AppStore(dir, join(dir, '.appgen'));
        const readRecord = () => readFileSync(join(dir, minimalJob().appPath, COMMIT_RECORD_FILE), 'utf8');

        const first = await runJob(
          minimalJob({ id: 'first' }),
          template(),
          PORTS,
          deps,
          progress(),
          new AbortController().signal,
        );
        assert.ok(
          !first.files.includes(COMMIT_RECORD_FILE),
          'the record is not one of the files the job wrote',
        );
        assert.ok(first.files.includes('docker-compose.yml'), 'a new app: the scaffold is the job’s too');
        const entry = findCommit(readRecord(), 'first');
        assert.deepEqual(entry?.files, first.files);
        assert.equal(entry?.attempts, 4);
        assert.deepEqual(entry?.usage, { promptTokens: 20, completionTokens: 200, costUsd: 1 });
        assert.deepEqual(entry?.generationIds, ['gen-1', 'gen-2']);
        assert.equal(entry?.provider, 'Sim');

        const second = await runJob(
          minimalJob({ id: 'second', attempts: 3 }),
          template(),
          PORTS,
          deps,
          progress(),
          new AbortController().signal,
        );
        assert.ok(second.previousVersionPath, 'the second job replaced the app');
        assert.deepEqual(findCommit(readRecord(), 'second')?.files, second.files);
        assert.equal(findCommit(readRecord(), 'second')?.attempts, 7, 'attempts of earlier runs count');
        assert.ok(findCommit(readRecord(), 'first'), 'the earlier commit stays recorded');
        assert.equal(replacedVersionOf(dir, minimalJob().appPath, 'second'), second.previousVersionPath);
        assert.equal(replacedVersionOf(dir, minimalJob().appPath, 'first'), undefined);
      } finally {
        await cleanup();
      }
    });

    it('ends at once, committing nothing, when cancelled while another job holds the lock', async () => {
      const locks = new AppLocks(() => 60_000);
      let releaseHolder = (): void => {};
      const holder = locks.runExclusive(
        'openai_gpt-4o/app1',
        () =>
          new Promise<void>((resolve) => {
            releaseHolder = resolve;
          }),
      );
      const events: string[] = [];
      const controller = new AbortController();
      const { deps } = fakeDeps(
        async (request) => answer(detectComponent(request.messages) === 'frontend' ? FRONTEND : BACKEND),
        async () => {
          events.push('commit');
          return { files: [] };
        },
        locks,
      );
      const phases: string[] = [];
      const run = runJob(
        minimalJob(),
        template(),
        PORTS,
        deps,
        {
          ...progress(events),
          phase: (phase) => {
            phases.push(phase);
            if (phase === 'merging') setImmediate(() => controller.abort());
          },
        },
        controller.signal,
      );
      await assert.rejects(run, { code: 'cancelled' });
      assert.deepEqual(locks.busyKeys(), ['openai_gpt-4o/app1'], 'the other job still holds the lock');
      releaseHolder();
      await holder;
      assert.deepEqual(events, [], 'nothing committed, and the commit never began');
    });
  });
});
