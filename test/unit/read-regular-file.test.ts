import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExcessNesting } from '../../daemon/json-depth';
import { FileRefusedError, readRegularFile, readRegularText } from '../../daemon/read-regular-file';

describe('readRegularFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'appgen-read-regular-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const refused = (reason: RegExp) => (error: unknown) =>
    error instanceof FileRefusedError && reason.test(error.message);

  it('reads a regular file up to the limit, exactly', async () => {
    await writeFile(join(dir, 'a.txt'), 'hello');
    assert.equal(await readRegularText(join(dir, 'a.txt'), { maxBytes: 5 }), 'hello');
    await assert.rejects(
      readRegularFile(join(dir, 'a.txt'), { maxBytes: 4 }),
      refused(/^is larger than the 4 bytes allowed \(5 bytes\)$/),
    );
  });

  it('reads an empty file', async () => {
    await writeFile(join(dir, 'empty'), '');
    assert.equal((await readRegularFile(join(dir, 'empty'), { maxBytes: 10 })).length, 0);
  });

  it('refuses a named pipe at once', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    await assert.rejects(
      readRegularFile(join(dir, 'pipe'), { maxBytes: 10 }),
      refused(/^is a named pipe \(FIFO\), not a regular file$/),
    );
  });

  it('refuses a device, through a link too', async () => {
    await symlink('/dev/zero', join(dir, 'zero'));
    await assert.rejects(readRegularFile('/dev/zero', { maxBytes: 10 }), refused(/^is a device/));
    await assert.rejects(readRegularFile(join(dir, 'zero'), { maxBytes: 10 }), refused(/^is a device/));
  });

  it('refuses a folder and a socket', async () => {
    await mkdir(join(dir, 'sub'));
    await assert.rejects(readRegularFile(join(dir, 'sub'), { maxBytes: 10 }), refused(/^is a folder/));
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 'sock'), resolve));
    try {
      await assert.rejects(readRegularFile(join(dir, 'sock'), { maxBytes: 10 }), refused(/^is a socket/));
    } finally {
      server.close();
    }
  });

  it('passes on the file system error for a missing file', async () => {
    await assert.rejects(readRegularFile(join(dir, 'missing'), { maxBytes: 10 }), { code: 'ENOENT' });
  });

  it('with `within`, follows links that stay inside and refuses links that leave', async () => {
    const inside = join(dir, 'inside');
    await mkdir(inside);
    await writeFile(join(inside, 'real.txt'), 'ok');
    await writeFile(join(dir, 'outside.txt'), 'no');
    await symlink(join(inside, 'real.txt'), join(inside, 'link.txt'));
    await symlink(join(dir, 'outside.txt'), join(inside, 'out.txt'));
    assert.equal(await readRegularText(join(inside, 'link.txt'), { maxBytes: 10, within: inside }), 'ok');
    await assert.rejects(
      readRegularFile(join(inside, 'out.txt'), { maxBytes: 10, within: inside }),
      refused(/outside the workspace$/),
    );
  });
});

describe('findExcessNesting', () => {
  it('finds the bracket that opens one level too many', () => {
    assert.equal(findExcessNesting('[[[]]]', 3), undefined);
    assert.equal(findExcessNesting('[[[[]]]]', 3), 3);
    assert.equal(findExcessNesting('{"a": {"b": [1]}}', 2), 12);
  });

  it('skips brackets inside strings, escaped quotes included', () => {
    assert.equal(findExcessNesting('["[[[[", "\\"[[[["]', 1), undefined);
  });

  it('skips comments only when told to', () => {
    assert.equal(findExcessNesting('// [[[\n[]', 1, { comments: true }), undefined);
    assert.equal(findExcessNesting('/* [[[ */ []', 1, { comments: true }), undefined);
    assert.equal(findExcessNesting('/* [[[ */ []', 1), 4);
  });

  it('scans 400,000 brackets without recursion', () => {
    assert.equal(findExcessNesting('['.repeat(400_000), 64), 64);
  });
});
