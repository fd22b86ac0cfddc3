import { strict as assert } from 'node:assert';
import {
  assertAppRelativePath,
  normaliseRelativePath,
  safeAppPath,
} from '../../../daemon/merger/safe-app-path';
import { expectDaemonError } from './merger-test-helpers';

describe('safeAppPath', () => {
  it('puts a frontend path under frontend/', () => {
    assert.equal(safeAppPath('frontend', 'src/App.jsx'), 'frontend/src/App.jsx');
  });

  it('puts a backend path under backend/', () => {
    assert.equal(safeAppPath('backend', 'app.py'), 'backend/app.py');
  });

  it('does not double a path that already starts with the component folder', () => {
    assert.equal(safeAppPath('frontend', 'frontend/src/App.jsx'), 'frontend/src/App.jsx');
    assert.equal(safeAppPath('backend', 'backend/models.py'), 'backend/models.py');
    assert.equal(safeAppPath('frontend', 'Frontend/src/App.jsx'), 'frontend/src/App.jsx');
  });

  it('turns backslashes into slashes and drops "." segments', () => {
    assert.equal(safeAppPath('frontend', '.\\src\\components\\List.jsx'), 'frontend/src/components/List.jsx');
    assert.equal(safeAppPath('backend', './routes/./todos.py'), 'backend/routes/todos.py');
  });

  it('trims surrounding whitespace', () => {
    assert.equal(safeAppPath('backend', '  app.py \t'), 'backend/app.py');
  });

  it('keeps URL-encoded dots literally, inside the app', () => {
    assert.equal(safeAppPath('backend', '%2e%2e/x.py'), 'backend/%2e%2e/x.py');
    assert.equal(safeAppPath('frontend', '..%2f..%2fetc'), 'frontend/..%2f..%2fetc');
  });

  it('keeps dot files and names with inner dots', () => {
    assert.equal(safeAppPath('backend', '.env.example'), 'backend/.env.example');
    assert.equal(safeAppPath('frontend', '.github/workflows/ci.yml'), 'frontend/.github/workflows/ci.yml');
    assert.equal(safeAppPath('frontend', 'src/pages/[id].jsx'), 'frontend/src/pages/[id].jsx');
  });

  const refused: Array<[string, string]> = [
    ['../x', '..'],
    ['a/../../x', '..'],
    ['src/../App.jsx', '..'],
    ['..\\x', '..'],
    ['a\\..\\..\\x', '..'],
    ['..', '..'],
    ['/abs', 'absolute'],
    ['/etc/passwd', 'absolute'],
    ['\\\\server\\share\\x', 'absolute'],
    ['//server/share/x', 'absolute'],
    ['\\x', 'absolute'],
    ['C:\\x', 'drive'],
    ['c:x', 'drive'],
    ['C:/Windows/x', 'drive'],
    ['app.py\u0000.txt', 'control'],
    ['src/\u0007bell.js', 'control'],
    ['line\nbreak.py', 'control'],
    ['evil\u202Egpj.py', 'control'],
    ['a//b.py', 'empty segment'],
    ['src/', 'folder'],
    ['', 'empty'],
    ['   ', 'empty'],
    ['.', 'no file'],
    ['./.', 'no file'],
    ['...', 'dots'],
    ['. .', 'dots'],
    ['a/.../b', 'dots'],
    ['app.py.', 'dot or space'],
    ['src /App.jsx', 'dot or space'],
    ['app.py:stream', 'not allowed'],
    ['what?.py', 'not allowed'],
    ['.git/config', '.git'],
    ['sub/.GIT/hooks/pre-commit', '.GIT'],
    ['.appgen/history.sqlite', '.appgen'],
    ['CON', 'device'],
    ['src/nul.txt', 'device'],
    ['com1.js', 'device'],
    [`${'a'.repeat(300)}.py`, 'name of 303 bytes, too long'],
    ['a/'.repeat(600), 'longer than'],
  ];
  for (const [path, reason] of refused) {
    it(`refuses ${printable(path)} as unsafe_path`, () => {
      const error = expectDaemonError(() => safeAppPath('backend', path), 'unsafe_path');
      assert.match(error.message, new RegExp(reason.replace(/[.?]/g, '\\$&'), 'i'));
    });
  }

  it('counts the bytes of a name, not its characters: 200 "ñ" are 400 bytes, past the 255 a name may have', () => {
    const name = `${'ñ'.repeat(200)}.jsx`;
    const error = expectDaemonError(() => safeAppPath('frontend', `src/${name}`), 'unsafe_path');
    assert.match(error.message, /name of 404 bytes/);
    assert.ok(error.message.includes('"src/ññ'), 'the message names the file as the model gave it');
    assert.equal(safeAppPath('frontend', `${'ñ'.repeat(125)}.jsx`), `frontend/${'ñ'.repeat(125)}.jsx`);
  });

  it('counts the bytes of a whole path: 400 CJK characters in short names are 1,200 bytes', () => {
    const path = Array.from({ length: 5 }, () => '中'.repeat(80)).join('/');
    const error = expectDaemonError(() => safeAppPath('frontend', path), 'unsafe_path');
    assert.match(error.message, /1204 bytes/);
  });

  it('refuses the component folder itself', () => {
    expectDaemonError(() => safeAppPath('frontend', 'frontend'), 'unsafe_path');
    expectDaemonError(() => safeAppPath('frontend', 'frontend/'), 'unsafe_path');
  });

  it('names the offending path in the message, with control characters escaped', () => {
    const error = expectDaemonError(() => safeAppPath('backend', '../../etc/passwd'), 'unsafe_path');
    assert.ok(error.message.includes('"../../etc/passwd"'), error.message);
    const nul = expectDaemonError(() => safeAppPath('backend', 'a\u0000b'), 'unsafe_path');
    assert.ok(nul.message.includes('a\\u0000b'), nul.message);
    assert.ok(!nul.message.includes('\u0000'));
  });
});

describe('normaliseRelativePath', () => {
  it('returns the segments of a relative path', () => {
    assert.deepEqual(normaliseRelativePath('backend\\app/./x.py'), ['backend', 'app', 'x.py']);
  });
});

describe('assertAppRelativePath', () => {
  it('accepts normalised paths inside a component folder', () => {
    assertAppRelativePath('backend/app.py');
    assertAppRelativePath('frontend/src/App.jsx');
  });

  it('refuses paths outside the component folders or not in normal form', () => {
    for (const path of [
      'app.py',
      'backend',
      'other/x',
      'backend/./app.py',
      'backend\\app.py',
      'backend/../x',
    ]) {
      expectDaemonError(() => assertAppRelativePath(path), 'unsafe_path');
    }
  });
});

// Test titles stay readable: long paths shortened, invisible characters spelled out.
function printable(path: string): string {
  const short = path.length > 40 ? `${path.slice(0, 40)}...` : path;
  return JSON.stringify(short).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
