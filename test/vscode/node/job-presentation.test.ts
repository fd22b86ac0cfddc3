import * as assert from 'node:assert/strict';
import {
  escapeMarkdown,
  formatDurationMs,
  jobContextValue,
  jobDescription,
  jobIcon,
  jobLabel,
  jobTooltipMarkdown,
} from '../../../extension/job-presentation';
import type { Job } from '../../../shared/job';
import { makeJob } from './job-fixtures';

const now = new Date('2025-02-09T10:05:00.000Z');

describe('job presentation', () => {
  it('gives each status its codicon', () => {
    const icons = (['running', 'queued', 'succeeded', 'failed', 'cancelled'] as const).map(
      (status) => jobIcon(makeJob({ id: 'j', status })).id,
    );
    assert.deepEqual(icons, ['sync~spin', 'clock', 'check', 'error', 'circle-slash']);
  });

  it('labels a job by model and app number', () => {
    assert.equal(jobLabel(makeJob({ id: 'j', appNum: 3 })), 'openai/gpt-4o · app3');
  });

  it('describes a running job by phase, attempt, template and start', () => {
    const job = makeJob({
      id: 'j',
      status: 'running',
      phase: 'frontend',
      attempts: 2,
      startedAt: '2025-02-09T10:03:00Z',
    });
    assert.equal(jobDescription(job, now), 'frontend · attempt 2 · crud_todo_list · started 2 minutes ago');
  });

  it('counts down a retry wait', () => {
    const job = makeJob({
      id: 'j',
      status: 'running',
      phase: 'retry-wait',
      retryAt: '2025-02-09T10:05:04.200Z',
    });
    assert.match(jobDescription(job, now), /^retrying in 5 s · attempt 2/);
  });

  it('describes finished jobs relative to when they finished, failures by error code', () => {
    const failed = makeJob({
      id: 'j',
      status: 'failed',
      error: { code: 'rate_limited', message: 'slow down', status: 429 },
      finishedAt: '2025-02-09T09:05:00Z',
    });
    assert.equal(jobDescription(failed, now), 'rate_limited · crud_todo_list · about 1 hour ago');
    assert.equal(
      jobDescription(makeJob({ id: 'q', status: 'queued', attempts: 0 }), now),
      'queued · crud_todo_list · 5 minutes ago',
    );
  });

  it("shows a finished job's duration and cost in its row", () => {
    const job = makeJob({
      id: 'j',
      status: 'succeeded',
      startedAt: '2025-02-09T10:00:00Z',
      finishedAt: '2025-02-09T10:00:12.300Z',
      usage: { promptTokens: 10, completionTokens: 20, costUsd: 0.0123 },
    });
    assert.equal(jobDescription(job, now), 'crud_todo_list · 12.3 s · $0.01 · 5 minutes ago');
  });

  it('marks jobs that made a model call as having a raw response', () => {
    assert.equal(jobContextValue(makeJob({ id: 'j', status: 'failed', attempts: 1 })), 'job:failed:raw');
    assert.equal(jobContextValue(makeJob({ id: 'j', status: 'queued', attempts: 0 })), 'job:queued');
  });

  it('puts model, template, duration, tokens, cost and error in the tooltip', () => {
    const job = makeJob({
      id: 'j',
      status: 'failed',
      startedAt: '2025-02-09T10:00:00Z',
      finishedAt: '2025-02-09T10:00:12.500Z',
      usage: { promptTokens: 1234, completionTokens: 5678, costUsd: 0.0123 },
      error: { code: 'upstream', message: 'Bad <html> *answer*', status: 502 },
    });
    const text = jobTooltipMarkdown(job, now);
    assert.match(text, /^\*\*openai\/gpt-4o\*\* · app 1/);
    assert.match(text, /Template: crud\\_todo\\_list/);
    assert.match(text, /Duration: 12\.5 s/);
    assert.match(text, /Tokens: 1,234 prompt, 5,678 completion/);
    assert.match(text, /Cost: \$0\.01/);
    assert.match(text, /\*\*Error\*\* upstream \(HTTP 502\): Bad \\<html\\> \\\*answer\\\*/);
  });

  it('escapes every Markdown character in model output', () => {
    assert.equal(escapeMarkdown('[x](y) `z`'), '\\[x\\]\\(y\\) \\`z\\`');
  });

  it('formats durations for people', () => {
    assert.deepEqual([850, 12_340, 125_000, 120_000].map(formatDurationMs), [
      '850 ms',
      '12.3 s',
      '2 min 5 s',
      '2 min',
    ]);
  });
});

describe('job presentation: an incomplete app', () => {
  const job = makeJob({
    id: 'w',
    status: 'succeeded',
    warnings: [
      {
        code: 'unresolved_import',
        message: 'imports models, which the app does not have',
        file: 'backend/app.py',
        line: 3,
      },
      { code: 'undeclared_dependency', message: 'imports requests, which requirements.txt does not list' },
    ],
  });

  it('shows a warning icon and the count instead of a plain success', () => {
    assert.equal(jobIcon(job).id, 'warning');
    assert.match(jobDescription(job, now), /^2 warnings · crud_todo_list/);
    assert.equal(jobIcon(makeJob({ id: 'ok', status: 'succeeded' })).id, 'check');
  });

  it('lists the warnings in the tooltip, with file and line', () => {
    const tooltip = jobTooltipMarkdown(job, now);
    assert.match(tooltip, /\*\*2 warnings\*\*: the app is incomplete/);
    assert.match(
      tooltip,
      /unresolved\\_import: imports models, which the app does not have \(backend\/app\.py:3\)/,
    );
  });
});

describe('job presentation: calls and retries', () => {
  it('counts retries apart from calls when the daemon reports them', () => {
    assert.match(
      jobTooltipMarkdown(makeJob({ id: 'r', attempts: 3, retries: 1 }), now),
      /Status: succeeded, 2 calls, 1 retry/,
    );
    assert.match(
      jobTooltipMarkdown(makeJob({ id: 'r', attempts: 2, retries: 0 }), now),
      /2 calls, 0 retries/,
    );
    assert.match(jobTooltipMarkdown(makeJob({ id: 'o', attempts: 2 }), now), /Status: succeeded, 2 attempts/);
  });
});

describe('job presentation: the check of an app', () => {
  const checked = (check: Job['check']) => makeJob({ id: 'c', status: 'succeeded', check });

  it('shows the verdict, endpoints and problems in the row, and an icon for the verdict', () => {
    const partial = checked({
      verdict: 'partial',
      score: 4 / 6,
      endpointsOk: 4,
      endpointsTotal: 6,
      problems: 2,
      checkedAt: '2025-02-09T10:00:00Z',
    });
    assert.match(jobDescription(partial, now), /^check partial 4\/6, 2 problems · crud_todo_list/);
    assert.equal(jobIcon(partial).id, 'pass');
    assert.equal(jobIcon(checked({ verdict: 'passed', checkedAt: 'x' })).id, 'pass-filled');
    assert.equal(jobIcon(checked({ verdict: 'failed', checkedAt: 'x' })).id, 'circle-large-outline');
    assert.match(jobDescription(checked({ verdict: 'running', checkedAt: 'x' }), now), /^checking…/);
  });

  it('puts the score and the reason in the tooltip', () => {
    const failed = checked({
      verdict: 'failed',
      score: 0,
      endpointsOk: 0,
      endpointsTotal: 3,
      reason: 'backend/app.py:2: SyntaxError',
      checkedAt: 'x',
    });
    const tooltip = jobTooltipMarkdown(failed, now);
    assert.match(tooltip, /\*\*Check\*\*: check failed 0\/3 \(score 0%\)/);
    assert.match(tooltip, /SyntaxError/);
  });
});
