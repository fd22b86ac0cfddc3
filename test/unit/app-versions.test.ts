import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { replacedVersionOf } from '../../daemon/app-versions';
import { tempDir } from './history/history-test-helpers';

describe('replacedVersionOf', () => {
  it('finds the kept version a job replaced, never one still being copied', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const versions = join(dir, '.appgen', 'versions', 'openai_gpt-4o', 'app3');
      mkdirSync(join(versions, '.copying-job-b'), { recursive: true });
      mkdirSync(join(versions, '2025-02-09T10-00-00-000Z-job-a'));
      const app = 'generated/apps/openai_gpt-4o/app3';
      assert.equal(
        replacedVersionOf(dir, app, 'job-a'),
        '.appgen/versions/openai_gpt-4o/app3/2025-02-09T10-00-00-000Z-job-a',
      );
      assert.equal(replacedVersionOf(dir, app, 'job-b'), undefined);
      assert.equal(replacedVersionOf(dir, 'generated/apps/openai_gpt-4o/app4', 'job-a'), undefined);
    } finally {
      await cleanup();
    }
  });
});
