import { strict as assert } from 'node:assert';
import { applyOverrides, ConfigError, configFromEnv, DEFAULT_CONFIG } from '../../daemon/config';
import { checkOutputDir } from '../../daemon/output-dir';

describe('checkOutputDir', () => {
  for (const [raw, dir] of [
    ['generated/apps', 'generated/apps'],
    ['./out//apps/', 'out/apps'],
    ['out\\apps', 'out/apps'],
    ['  apps  ', 'apps'],
    ['out/..apps/v1.2', 'out/..apps/v1.2'],
    ['out/.gitignore', 'out/.gitignore'],
    ['out/.appgenx', 'out/.appgenx'],
  ] as const) {
    it(`takes ${JSON.stringify(raw)} as ${dir}`, () => {
      assert.deepEqual(checkOutputDir(raw), { ok: true, dir });
    });
  }

  for (const [raw, reason] of [
    ['.appgen', /inside \.appgen\//],
    ['.appgen/apps', /inside \.appgen\//],
    ['./.appgen/apps', /inside \.appgen\//],
    ['out/.APPGEN/apps', /inside \.appgen\//],
    ['.git', /inside \.git\//],
    ['.git/apps', /inside \.git\//],
    ['vendor/.Git./x', /inside \.git\//],
    ['.', /the workspace itself/],
    ['', /the workspace itself/],
    ['./', /the workspace itself/],
    ['  ', /the workspace itself/],
    ['..', /leaves the workspace/],
    ['../apps', /leaves the workspace/],
    ['a/../../b', /leaves the workspace/],
    ['a/../b', /leaves the workspace/],
    ['...', /leaves the workspace/],
    ['a/. ./b', /leaves the workspace/],
    ['/abs/apps', /absolute path/],
    ['\\\\server\\share', /absolute path/],
    ['C:\\apps', /absolute path/],
    ['c:apps', /absolute path/],
  ] as const) {
    it(`refuses ${JSON.stringify(raw)}, saying why`, () => {
      const result = checkOutputDir(raw);
      assert.equal(result.ok, false);
      const { problem } = result as { problem: string };
      assert.match(problem, /^must be a folder inside the workspace, outside \.appgen\/ and \.git\/: /);
      assert.ok(problem.includes(JSON.stringify(raw)), problem);
      assert.match(problem, reason);
    });
  }

  it('refuses a value that is not a string', () => {
    assert.equal(checkOutputDir(5).ok, false);
  });
});

describe('the output folder setting', () => {
  it('refuses APPGEN_OUTPUT_DIR inside .appgen, naming the variable', () => {
    assert.throws(
      () => configFromEnv({ APPGEN_OUTPUT_DIR: '.appgen/apps' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message ===
          'APPGEN_OUTPUT_DIR must be a folder inside the workspace, outside .appgen/ and .git/: ".appgen/apps" is inside .appgen/, which AppGen cleans at start-up',
    );
  });

  it('refuses APPGEN_OUTPUT_DIR inside .git and the workspace itself', () => {
    assert.throws(() => configFromEnv({ APPGEN_OUTPUT_DIR: '.git' }), /APPGEN_OUTPUT_DIR .*inside \.git\//);
    assert.throws(() => configFromEnv({ APPGEN_OUTPUT_DIR: '.' }), /APPGEN_OUTPUT_DIR .*workspace itself/);
  });

  it('refuses initialize config outputDir with the same message, under either name', () => {
    assert.throws(
      () => applyOverrides(DEFAULT_CONFIG, { outputDir: '.appgen/apps' }),
      /^ConfigError: config\.outputDir must be a folder inside the workspace, outside \.appgen\/ and \.git\/: "\.appgen\/apps" is inside \.appgen\//,
    );
    assert.throws(
      () => applyOverrides(DEFAULT_CONFIG, { APPGEN_OUTPUT_DIR: '' }),
      /config\.APPGEN_OUTPUT_DIR .*workspace itself/,
    );
  });

  it('refuses what the commit of an app inside it would refuse, before any job starts', () => {
    for (const [dir, reason] of [
      ['gen\u0000x', 'contains control characters'],
      ['gen/\u202ex', 'contains control characters'],
      ['gen/a|b', 'contains a character not allowed in file names'],
      ['gen./apps', 'has a folder name ending in a dot or space ("gen.")'],
      ['out/nul', 'uses the reserved device name "nul"'],
      [`out/${'x'.repeat(256)}`, 'has a folder name longer than 255 bytes'],
    ]) {
      const result = checkOutputDir(dir);
      assert.equal(result.ok, false, JSON.stringify(dir));
      if (!result.ok) assert.ok(result.problem.endsWith(reason!), result.problem);
    }
    assert.deepEqual(checkOutputDir('out/my apps.v2/x'), { ok: true, dir: 'out/my apps.v2/x' });
  });

  it('keeps a good output folder in normal form', () => {
    assert.equal(configFromEnv({ APPGEN_OUTPUT_DIR: './out/apps/' }).outputDir, 'out/apps');
    assert.equal(applyOverrides(DEFAULT_CONFIG, { outputDir: 'editor\\apps' }).outputDir, 'editor/apps');
  });
});

describe('initialize config keys', () => {
  it('refuses an API key that is not a string, without showing it', () => {
    for (const name of ['apiKey', 'OPENROUTER_API_KEY']) {
      assert.throws(
        () => applyOverrides(DEFAULT_CONFIG, { [name]: 12345 }),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.message === `config.${name} must be a string` &&
          !error.message.includes('12345'),
      );
    }
  });
});
