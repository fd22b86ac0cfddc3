import assert from 'node:assert/strict';
import { type CommitEntry, findCommit, withCommit } from '../../daemon/commit-record';

const entry = (jobId: string): CommitEntry => ({
  jobId,
  committedAt: '2025-02-09T10:00:00.000Z',
  files: ['backend/app.py'],
  attempts: 2,
});

describe('commit record', () => {
  it('finds a job committed into the app, and no other', () => {
    const text = withCommit(withCommit(undefined, entry('a')), entry('b'));
    assert.deepEqual(findCommit(text, 'a'), entry('a'));
    assert.deepEqual(findCommit(text, 'b'), entry('b'));
    assert.equal(findCommit(text, 'c'), undefined);
    assert.equal(findCommit(undefined, 'a'), undefined);
  });

  it('reads a damaged or hand-edited record as holding no commit, or only its well-formed entries', () => {
    assert.equal(findCommit('{"commits": [', 'a'), undefined);
    assert.equal(findCommit('null', 'a'), undefined);
    assert.equal(findCommit('{"commits": "a"}', 'a'), undefined);
    const mixed = JSON.stringify({ commits: [{ jobId: 'a' }, entry('b'), 'c'] });
    assert.equal(findCommit(mixed, 'a'), undefined, 'an entry without its files is no commit');
    assert.deepEqual(findCommit(withCommit(mixed, entry('d')), 'b'), entry('b'));
  });

  it('keeps the newest hundred commits, one entry per job', () => {
    let text: string | undefined;
    for (let i = 0; i < 150; i++) text = withCommit(text, entry(`job-${i}`));
    text = withCommit(text, { ...entry('job-149'), attempts: 9 });
    assert.equal(findCommit(text, 'job-49'), undefined);
    assert.ok(findCommit(text, 'job-50'));
    assert.equal(findCommit(text, 'job-149')?.attempts, 9);
    assert.equal((JSON.parse(text!) as { commits: unknown[] }).commits.length, 100);
  });
});
