import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CheckDetails, writeCheckDetails } from '../../../daemon/checks/check-details';
import type { Job } from '../../../shared/job';
import { minimalJob } from '../../support/job-fixtures';

const details = (job: Job, verdict: 'passed' | 'failed'): CheckDetails => ({
  jobId: job.id,
  model: job.model,
  templateSlug: job.templateSlug,
  appPath: job.appPath,
  summary: { verdict, checkedAt: '2026-01-01T00:00:00.000Z' },
  durationMs: 3,
  levels: [{ level: 'static', status: 'ran' }],
  endpoints: [],
  findings: [],
});

describe('writeCheckDetails', () => {
  it('writes the details readable by the user only, in private folders, replacing an earlier check', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'details-'));
    const job = minimalJob({ id: 'job-1', modelSlug: 'openai_gpt-4o', appNum: 3 });
    assert.equal(
      writeCheckDetails(workspace, job, details(job, 'failed')),
      '.appgen/checks/openai_gpt-4o/app3/job-1.json',
    );
    writeCheckDetails(workspace, job, details(job, 'passed'));
    const folder = join(workspace, '.appgen/checks/openai_gpt-4o/app3');
    assert.deepEqual(readdirSync(folder), ['job-1.json'], 'no temporary file is left');
    assert.equal(JSON.parse(readFileSync(join(folder, 'job-1.json'), 'utf8')).summary.verdict, 'passed');
    assert.equal(statSync(join(folder, 'job-1.json')).mode & 0o777, 0o600);
    for (const rel of [
      '.appgen/checks',
      '.appgen/checks/openai_gpt-4o',
      '.appgen/checks/openai_gpt-4o/app3',
    ]) {
      assert.equal(statSync(join(workspace, rel)).mode & 0o777, 0o700, rel);
    }
  });

  it('refuses names from the history that are not plain, and a link on the way', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'details-'));
    for (const fields of [{ id: '../../escape' }, { modelSlug: '..' }, { modelSlug: 'a/b' }, { appNum: 0 }]) {
      const job = minimalJob(fields);
      assert.throws(() => writeCheckDetails(workspace, job, details(job, 'passed')), { code: 'unsafe_path' });
    }
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    mkdirSync(join(workspace, '.appgen'), { recursive: true });
    symlinkSync(outside, join(workspace, '.appgen/checks'));
    const job = minimalJob();
    assert.throws(() => writeCheckDetails(workspace, job, details(job, 'passed')), { code: 'unsafe_path' });
    assert.deepEqual(readdirSync(outside), []);
  });
});
