import { strict as assert } from 'node:assert';
import { fitsBlock, readProsePath } from '../../../daemon/merger/prose-path';

describe('readProsePath', () => {
  const named: [string, string][] = [
    ['### app.py', 'app.py'],
    ['## `models.py`', 'models.py'],
    ['#### `src/components/TodoList.jsx`', 'src/components/TodoList.jsx'],
    ['### backend/models.py ###', 'backend/models.py'],
    ['### 2. `routes/todos.py`', 'routes/todos.py'],
    ['**models.py**', 'models.py'],
    ['**`models.py`**:', 'models.py'],
    ['**database.py:**', 'database.py'],
    ['`requirements.txt`:', 'requirements.txt'],
    ['app.py:', 'app.py'],
    ['File: `backend/models.py`', 'backend/models.py'],
    ['Filename: models.py', 'models.py'],
    ['**File:** `schemas.py`', 'schemas.py'],
    ['**File: config.py**', 'config.py'],
    ['Path: services/todo_service.py', 'services/todo_service.py'],
    ['1. `models.py` - the data layer:', 'models.py'],
    ['- **app.py**: the Flask entry point:', 'app.py'],
    ['2) `routes.py` (the endpoints):', 'routes.py'],
    ['### `models.py` — the data layer', 'models.py'],
    ['### models.py (database models)', 'models.py'],
    ['Here is the updated `src/api.js`:', 'src/api.js'],
    ['And the entry point, `backend/app.py`:', 'backend/app.py'],
    ['Create a file named **seed.py**:', 'seed.py'],
    ['Create a `.env` file:', '.env'],
    ['### Updating `src/App.jsx`', 'src/App.jsx'],
    ['### Dockerfile', 'Dockerfile'],
    ['  ### app.py  ', 'app.py'],
    ['#### File: `src/App.jsx`', 'src/App.jsx'],
    ['**Step 3: Create the models (`models.py`)**', 'models.py'],
    ['**File: `backend/models.py`**', 'backend/models.py'],
    ['### 📄 backend/app.py', 'backend/app.py'],
    ['### Backend: app.py', 'app.py'],
    ['Updated `app.py` (full file):', 'app.py'],
  ];
  for (const [line, path] of named) {
    it(`reads ${JSON.stringify(line)} as naming ${path}`, () => {
      assert.equal(readProsePath(line), path);
    });
  }

  const refused: [string, string][] = [
    ['Run python app.py to start it', 'a path in a sentence without a code span'],
    ['Run `python app.py` to start it:', 'a code span that is a command'],
    ['The file `config.py` is optional.', 'a sentence that does not introduce the block'],
    ['The models live in `models.py`, and `app.py` imports them from there:', 'two code spans'],
    [
      'In `app.py` we register the blueprint from `routes.py`, then call `db.create_all()`:',
      'several code spans',
    ],
    ['Update app.py to use `models.py`:', 'another path-like word'],
    ['1. `models.py` - the data layer, see `app.py`:', 'a description with another code span'],
    ['- `models.py` holds the models', 'a list item that does not introduce the block'],
    ['**Note:** keep the port in sync.', 'bold text that is no path'],
    ['### Install Node.js', 'a library name in a heading'],
    ['### Node.js', 'a library name alone'],
    ['Use `request.json` in the handler: it parses the body.', 'a colon that does not end the line'],
    ['Call `app.run`:', 'code that is no file'],
    ['`/api/todos`:', 'a route'],
    ['Open `http://localhost:5173/app.js`:', 'a URL'],
    ['Here is the code:', 'no path at all'],
    ['### Step 1: install Node.js', 'a heading whose only file-like word is a library'],
    ['### The app.py and models.py files', 'a heading with two paths'],
    ['### How the frontend in src/App.jsx calls the backend', 'a heading longer than six words'],
    ['**Note:** run `app.py` first', 'bold text that is not the whole line, without a colon'],
    ['File: `models.py` (new)', 'a label with more after the path'],
    [`${'word '.repeat(31)}\`app.py\`:`, 'a line longer than a sentence'],
    [`### ${'a'.repeat(300)}.py`, 'a line over 300 characters'],
  ];
  for (const [line, why] of refused) {
    it(`refuses ${why}: ${JSON.stringify(line.slice(0, 70))}`, () => {
      assert.equal(readProsePath(line), undefined);
    });
  }

  it('stays fast on long hostile lines', () => {
    const before = process.cpuUsage();
    for (const line of ['`'.repeat(300), `${'*'.repeat(150)}a${'*'.repeat(149)}`, ` ${'- '.repeat(149)}`]) {
      assert.equal(readProsePath(line), undefined);
    }
    const used = process.cpuUsage(before);
    assert.ok(used.user + used.system < 50_000);
  });
});

describe('fitsBlock', () => {
  it('lets a block of a language be a file of that language', () => {
    assert.ok(fitsBlock('python', 'models.py', 'x = 1\n'));
    assert.ok(fitsBlock('javascript', 'src/App.jsx', 'x\n'));
    assert.ok(fitsBlock('jsx', 'src/api.ts', 'x\n'));
    assert.ok(fitsBlock('css', 'App.css', 'x\n'));
    assert.ok(fitsBlock('json', 'package.json', '{}\n'));
    assert.ok(fitsBlock('bash', '.env', 'A=1\n'));
    assert.ok(fitsBlock('markdown', 'README.md', '# x\n'));
  });

  it('lets untagged blocks and unknown tags be any file', () => {
    assert.ok(fitsBlock('', 'requirements.txt', 'flask\n'));
    assert.ok(fitsBlock('text', 'requirements.txt', 'flask\n'));
    assert.ok(fitsBlock('dockerfile', 'Dockerfile', 'FROM python\n'));
  });

  it('refuses shell, diff and output blocks for source files, and blocks of another language', () => {
    assert.ok(!fitsBlock('bash', 'requirements.txt', 'pip install -r requirements.txt\n'));
    assert.ok(!fitsBlock('sh', 'app.py', 'python app.py\n'));
    assert.ok(!fitsBlock('diff', 'app.py', '- a\n+ b\n'));
    assert.ok(!fitsBlock('python', 'request.json', 'x\n'));
    assert.ok(!fitsBlock('js', 'App.css', 'x\n'));
    assert.ok(!fitsBlock('markdown', 'app.py', '```python\nx\n```\n'));
  });

  it('refuses an untagged block of shell commands for anything but a script', () => {
    assert.ok(!fitsBlock('', 'requirements.txt', 'pip install -r requirements.txt\n'));
    assert.ok(!fitsBlock('', 'package.json', '$ npm install\n'));
    assert.ok(fitsBlock('', 'run.sh', 'flask run\n'));
  });
});
