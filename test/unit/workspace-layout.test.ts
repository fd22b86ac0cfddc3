import assert from 'node:assert/strict';
import {
  APP_BOOKKEEPING_FILES,
  appFolderName,
  appKey,
  appRelativePath,
  artifactFileName,
  artifactsFolder,
  BATCH_FILE,
  CHECKS_FOLDER,
  COMMITS_FOLDER,
  checkDetailsFile,
  checksFolder,
  commitJournalName,
  copyingFolderName,
  HISTORY_FILE,
  LEGACY_STAGING_FOLDER,
  LOCK_FILE_NAME,
  linkFromReport,
  MAIN_FILES,
  modelFolder,
  PROMPTS_FOLDER,
  parseAppFolderName,
  parseAppPath,
  parseArtifactAnswerName,
  parseReportFileName,
  parseVersionFolderName,
  promptOverrideFile,
  REPORTS_FOLDER,
  reportBatchId,
  reportFile,
  STATE_FOLDER,
  stagingFolder,
  TEMPLATES_FOLDER,
  VERSIONS_FOLDER,
  versionFolderName,
  versionsFolder,
  workspaceTemplateFile,
} from '../../shared/workspace-layout';

describe('workspace layout', () => {
  describe('the state folder', () => {
    it('names every part of .appgen/ as it has always been on disk', () => {
      assert.equal(STATE_FOLDER, '.appgen');
      assert.equal(HISTORY_FILE, '.appgen/history.sqlite');
      assert.equal(LOCK_FILE_NAME, 'daemon.lock');
      assert.equal(COMMITS_FOLDER, '.appgen/commits');
      assert.equal(commitJournalName('job-1'), 'job-1.json');
      assert.equal(PROMPTS_FOLDER, '.appgen/prompts');
      assert.equal(promptOverrideFile('backend.user.hbs'), '.appgen/prompts/backend.user.hbs');
      assert.equal(TEMPLATES_FOLDER, '.appgen/templates');
      assert.equal(workspaceTemplateFile('todo.json'), '.appgen/templates/todo.json');
      assert.equal(LEGACY_STAGING_FOLDER, '.appgen/staging');
      assert.equal(BATCH_FILE, 'appgen.batch.json');
    });

    it('keeps artifacts, versions and checks per app', () => {
      assert.equal(artifactsFolder('openai_gpt-4o', 3), '.appgen/artifacts/openai_gpt-4o/app3');
      assert.equal(artifactFileName('job-1', 'backend', 'request'), 'job-1.backend.request.json');
      assert.equal(artifactFileName('job-1', 'frontend', 'response'), 'job-1.frontend.response.txt');
      assert.equal(artifactFileName('job-1', 'backend', 'meta'), 'job-1.backend.meta.json');
      assert.equal(VERSIONS_FOLDER, '.appgen/versions');
      assert.equal(versionsFolder('openai_gpt-4o', 3), '.appgen/versions/openai_gpt-4o/app3');
      assert.equal(copyingFolderName('job-1'), '.copying-job-1');
      assert.equal(CHECKS_FOLDER, '.appgen/checks');
      assert.equal(checksFolder('openai_gpt-4o', 3), '.appgen/checks/openai_gpt-4o/app3');
      assert.equal(
        checkDetailsFile('openai_gpt-4o', 3, 'job-1'),
        '.appgen/checks/openai_gpt-4o/app3/job-1.json',
      );
    });

    it('reads the job and component back from a call answer file, and nothing else', () => {
      const name = artifactFileName('0f3c-11aa', 'frontend', 'response');
      assert.deepEqual(parseArtifactAnswerName(name), { jobId: '0f3c-11aa', component: 'frontend' });
      for (const other of [
        artifactFileName('job-1', 'backend', 'request'),
        artifactFileName('job-1', 'backend', 'meta'),
        'backend.response.txt.bak',
        'backend.response.txt',
        '.backend.response.txt',
        'job-1..response.txt',
      ]) {
        assert.equal(parseArtifactAnswerName(other), undefined, other);
      }
    });
  });

  describe('reports', () => {
    it('puts a batch report in .appgen/reports/ and links back to the workspace from there', () => {
      assert.equal(REPORTS_FOLDER, '.appgen/reports');
      assert.equal(reportFile('b-42'), '.appgen/reports/b-42.md');
      assert.equal(parseReportFileName('b-42.md'), 'b-42');
      assert.equal(parseReportFileName('b-42.txt'), undefined);
      assert.equal(parseReportFileName('.md'), undefined);
      assert.equal(linkFromReport('generated/apps/x/app1'), '../../generated/apps/x/app1');
    });

    it('knows a report by its whole path, with either separator', () => {
      assert.equal(reportBatchId('/home/me/ws/.appgen/reports/b-42.md'), 'b-42');
      assert.equal(reportBatchId('C:\\Users\\me\\ws\\.appgen\\reports\\b-42.md'), 'b-42');
      assert.equal(reportBatchId('/.appgen/reports/b-42.md'), 'b-42');
      for (const other of [
        '/home/me/ws/reports/b-42.md',
        '/home/me/ws/.appgen/reports/sub/b-42.md',
        '/home/me/ws/.appgen/reports/b-42.txt',
        '/home/me/ws/.appgen/checks/b-42.md',
        '.appgen/reports/b-42.md',
      ]) {
        assert.equal(reportBatchId(other), undefined, other);
      }
    });
  });

  describe('apps', () => {
    it('builds an app path, its key and the model folder', () => {
      assert.equal(appFolderName(7), 'app7');
      assert.equal(modelFolder('generated/apps', 'openai_gpt-4o'), 'generated/apps/openai_gpt-4o');
      assert.equal(
        appRelativePath('generated/apps', 'openai_gpt-4o', 7),
        'generated/apps/openai_gpt-4o/app7',
      );
      assert.equal(appKey('openai_gpt-4o', 7), 'openai_gpt-4o/app7');
      assert.equal(
        stagingFolder('generated/apps', 'openai_gpt-4o', 'job-1'),
        'generated/apps/openai_gpt-4o/.appgen-staging-job-1',
      );
    });

    it('parses every app path it builds back into its parts', () => {
      for (const [outputDir, slug, appNum] of [
        ['generated/apps', 'openai_gpt-4o', 1],
        ['out', 'anthropic_claude-3.5-sonnet', 100_000],
        ['a/b c/d', '.x', 999_999_999],
      ] as const) {
        assert.deepEqual(parseAppPath(appRelativePath(outputDir, slug, appNum)), {
          outputDir,
          modelSlug: slug,
          appNum,
        });
        assert.equal(parseAppFolderName(appFolderName(appNum)), appNum);
      }
    });

    it('refuses paths that are not <output folder>/<model>/app<N>', () => {
      for (const path of [
        '',
        'app1',
        'openai_gpt-4o/app1',
        'generated/apps/openai_gpt-4o',
        'generated/apps/openai_gpt-4o/app0',
        'generated/apps/openai_gpt-4o/app01',
        'generated/apps/openai_gpt-4o/app-1',
        'generated/apps/openai_gpt-4o/app1.5',
        'generated/apps/openai_gpt-4o/App1',
        'generated/apps/openai_gpt-4o/app1/',
        'generated/apps/openai_gpt-4o/app1000000000',
        'generated/apps/openai_gpt-4o/.appgen-staging-job-1',
        'generated//openai_gpt-4o/app1',
        '/openai_gpt-4o/app1',
        'generated/./openai_gpt-4o/app1',
        'generated/../openai_gpt-4o/app1',
        'generated/apps/../app1',
        'generated\\apps/openai_gpt-4o/app1',
      ]) {
        assert.equal(parseAppPath(path), undefined, path);
      }
    });

    it('names each component main file inside the app', () => {
      assert.deepEqual(MAIN_FILES, { backend: 'backend/app.py', frontend: 'frontend/src/App.jsx' });
      assert.deepEqual(APP_BOOKKEEPING_FILES, ['appgen.json', '.appgen-commits.json']);
    });
  });

  describe('versions', () => {
    it('names a replaced version by its time and job, and reads both back', () => {
      const replacedAt = new Date(Date.UTC(2026, 11, 6, 14, 3, 22, 123));
      const name = versionFolderName(replacedAt, '0f3c-11aa_b');
      assert.equal(name, '2026-12-06T14-03-22-123Z-0f3c-11aa_b');
      assert.deepEqual(parseVersionFolderName(name), {
        replacedAt: replacedAt.toISOString(),
        jobId: '0f3c-11aa_b',
      });
    });

    it('refuses names that are not a version', () => {
      for (const name of [
        '2026-12-06T14-03-22-123Z-',
        '2026-12-06T14-03-22-123Z',
        '2026-12-06T14:03:22.123Z-job-1',
        '2026-12-06T14-03-22Z-job-1',
        '2026-12-06-14-03-22-123Z-job-1',
        '2026-12-06T14-03-22-123Z-job.1',
        '2026-12-06T14-03-22-123Z--job-1',
        '.copying-job-1',
        'x2026-12-06T14-03-22-123Z-job-1',
        'stamp-job-1',
      ]) {
        assert.equal(parseVersionFolderName(name), undefined, name);
      }
    });
  });
});
