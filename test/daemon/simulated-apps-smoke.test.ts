import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinTemplates } from '../../daemon/templates/builtin-templates';
import type { Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import { checkDetailsFile } from '../../shared/workspace-layout';
import { checkEnded, type GenerationHarness, harnessPerTest, MODEL } from '../support/generation-harness';
import { needPython } from './smoke-helpers';

/** Every built-in template, by slug: the simulator must serve each from its specification alone. */
const TEMPLATES = builtinTemplates.map((file) => file.fileName.replace(/\.json$/, ''));

const checked = (h: GenerationHarness, jobId: string, after: number) => checkEnded(h, jobId, after, 120_000);

/** What the check found wrong, from its details file: the failed probes and the findings. */
function failures(h: GenerationHarness, job: Job): string {
  const details = JSON.parse(
    readFileSync(join(h.workspace, checkDetailsFile(job.modelSlug, job.appNum, job.id)), 'utf8'),
  );
  const probes = (details.levels ?? [])
    .flatMap((level: { probes?: { verdict: string; name: string; reason?: string }[] }) => level.probes ?? [])
    .filter((probe: { verdict: string }) => probe.verdict !== 'ok')
    .map((probe: { name: string; reason?: string }) => `${probe.name}: ${probe.reason}`);
  const findings = (details.findings ?? []).map((finding: { message: string }) => finding.message);
  return [...probes, ...findings].join('\n  ');
}

describe('apps the simulator writes pass the smoke check (daemon process, real Python)', function () {
  this.timeout(240_000);
  const openHarness = harnessPerTest();
  before(async function () {
    await needPython(this);
  });

  it(`sim/alpha's app of every built-in template passes static and smoke checks with every endpoint working`, async () => {
    const h = await openHarness();
    const jobs: Job[] = [];
    for (const templateSlug of TEMPLATES) jobs.push(await h.start({ templateSlug, model: MODEL }));
    const done = await Promise.all(jobs.map((job) => h.finished(job.id)));
    for (const job of done)
      assert.equal(job.status, 'succeeded', `${job.templateSlug}: ${job.error?.message}`);

    const asked = await Promise.all(
      done.map((job) =>
        h.daemon.connection.sendRequest(P.AppCheckRequest, { jobId: job.id, levels: ['static', 'smoke'] }),
      ),
    );
    const results = await Promise.all(asked.map((job) => checked(h, job.id, job.revision ?? 0)));
    const wrong = results
      .filter((job) => job.check?.verdict !== 'passed' || job.check.endpointsOk !== job.check.endpointsTotal)
      .map(
        (job) =>
          `${job.templateSlug}: ${job.check?.verdict} ${job.check?.endpointsOk}/${job.check?.endpointsTotal} ` +
          `(${job.check?.reason ?? 'no reason'})\n  ${failures(h, job)}`,
      );
    assert.deepEqual(wrong, [], wrong.join('\n'));
    for (const job of results) {
      assert.deepEqual(job.check?.levels, ['static', 'smoke'], job.templateSlug);
      assert.equal(job.check?.problems, 0, job.templateSlug);
      assert.equal(job.check?.score, 1, job.templateSlug);
    }
  });
});
