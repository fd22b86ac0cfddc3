/**
 * Reads the file path a model named in the line of prose just before a code block, when that line
 * exists to name it. The caller gives only the last non-blank prose line since the previous block
 * (`CodeBlock.lead`), so a path further up never reaches this module.
 *
 * A line names the block's file when, once a heading marker (`### `), a list marker (`- `, `1. `)
 * and a final colon are set aside, it is one of:
 * - the path alone, bare or as code and/or bold: `### app.py`, `` #### `src/components/TodoList.jsx` ``,
 *   `**models.py**`, `` **`models.py`**: ``;
 * - a label and the path: `` File: `backend/models.py` ``, `Filename: models.py`, `` **File:** `x.py` ``;
 * - a list item or heading that starts with the path, then a short description, ending in a colon
 *   (headings need no colon): `` 1. `models.py` - the data layer: ``;
 * - a short sentence ending in a colon whose only code span (or, without code spans, only bold
 *   span) is the path: `` Here is the updated `src/api.js`: `` (a heading needs no colon);
 * - a heading of at most six words, one of them a bare path: `### Backend: app.py`.
 * A line in bold from end to end (`` **Step 2: the models (`models.py`)** ``) counts as a heading.
 * The path must look like a file: no spaces, and a known file extension (`app.py`, `.env`) or a known
 * name (`Dockerfile`); `app.run`, `db.session.commit`, `/api/todos` or `Node.js` are not files.
 *
 * Refused, so the block is treated as if nothing named it: prose that merely mentions a file
 * (`Run python app.py to start it`, a sentence not ending in a colon), a sentence with more than one
 * code span or with another path-like word (`` Update app.py to use `models.py`: ``), a line longer than
 * a sentence (over 30 words or 300 characters), and a path whose extension does not fit the block's
 * language (`` Install `requirements.txt`: `` before a bash block: shell, diff and output blocks are
 * never files unless the path is a script).
 */

const MAX_LINE_LENGTH = 300;
const MAX_WORDS = 30;
// A heading or list item that starts with the path may add a few words of description.
const MAX_DESCRIPTION_WORDS = 12;

const HEADING = /^#{1,6}[ \t]+/;
const BOLD_LINE = /^\*\*[^*].*\*\*:?$/;
// A heading may carry a bare path among this many words (`### Backend: app.py`).
const MAX_HEADING_WORDS = 6;
const CLOSING_HASHES = /[ \t]+#+$/;
const LIST_MARKER = /^(?:[-*+]|\d{1,3}[.)])[ \t]+/;
const LABEL = /^(?:file[ _-]?name|file[ _-]?path|file|path|module)[ \t]*:[ \t]*/i;
const CODE_SPAN = /`([^`]+)`/g;
const BOLD_SPAN = /\*\*([^*]+)\*\*/g;
// Between a leading path and its description: ` - `, ` – `, ` — `, `: ` or ` (`.
const DESCRIPTION_SEPARATOR = /^(?:[ \t]+[-\u2013\u2014][ \t]+|:[ \t]+|[ \t]+\()/;

// Extensions of files a generated app has; a code span such as `app.run` or `os.environ` is no file.
const FILE_EXTENSIONS = new Set(
  (
    'py pyi js jsx mjs cjs ts tsx mts cts vue svelte json jsonc css scss sass less html htm md mdx txt ' +
    'env example sample yml yaml toml ini cfg conf sql sh bash zsh ps1 bat cmd svg xml csv lock ' +
    'gitignore dockerignore editorconfig prettierrc eslintrc babelrc nvmrc flaskenv j2 jinja jinja2'
  ).split(' '),
);
const KNOWN_NAMES = new Set(['dockerfile', 'makefile', 'procfile', 'pipfile', 'gemfile']);
// Library names written like files.
const PRODUCT_NAMES = new Set(
  'node.js vue.js next.js nuxt.js express.js chart.js d3.js three.js react.js angular.js ember.js backbone.js socket.io'.split(
    ' ',
  ),
);
const PATH_CHARACTERS = /^[\w.\-/\\@+~$[\]]+$/;

/**
 * The file path one line of prose names for the block after it, as written (not yet checked for
 * safety), or undefined when the line does not name exactly one file and little else.
 */
export function readProsePath(line: string): string | undefined {
  if (line.length > MAX_LINE_LENGTH) return undefined;
  let text = line.trim();
  // A line in bold from end to end is how many models write a heading.
  const heading = HEADING.test(text) || BOLD_LINE.test(text);
  if (HEADING.test(text)) text = text.replace(HEADING, '').replace(CLOSING_HASHES, '');
  const list = LIST_MARKER.test(text);
  text = text.replace(LIST_MARKER, '');
  const words = text.split(/\s+/);
  if (words.length > MAX_WORDS) return undefined;
  const colon = /:\**$/.test(text);
  const body = stripColon(text);

  const whole = wholePath(body);
  if (whole !== undefined) return whole;
  const labelled = stripEmphasis(body).replace(LABEL, '');
  if (labelled !== stripEmphasis(body)) return wholePath(labelled);
  if (heading || list) {
    const leading = leadingPath(body, heading || colon);
    if (leading !== undefined) return leading;
  }
  if (!heading && !colon) return undefined;
  const span = onlySpanPath(body);
  if (span !== undefined || !heading || words.length > MAX_HEADING_WORDS || /[`*]/.test(body)) return span;
  // A short heading with one bare path among its words: `### 📄 backend/app.py`, `### Backend: app.py`.
  const paths = words.map((word) => asFilePath(word.replace(/[,;:.)]+$|^\(/g, ''), true)).filter(Boolean);
  return paths.length === 1 ? paths[0] : undefined;
}

/**
 * Whether a block tagged `language` may be the file at `path` that prose named: a shell, diff or
 * output block is no source file, a Python block no stylesheet. An untagged block may be any file
 * unless it reads as shell commands (`pip install -r requirements.txt` after a sentence naming
 * requirements.txt); an unknown tag (`text`, `dotenv`) may be any file.
 */
export function fitsBlock(language: string, path: string, content: string): boolean {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1).toLowerCase();
  const dot = name.lastIndexOf('.');
  const extension = dot === -1 ? name : name.slice(dot + 1);
  const family =
    language === '' && SHELL_COMMAND.test(content) ? SHELL_FAMILY : LANGUAGE_FAMILIES.get(language);
  return family === undefined || family.has(extension);
}

// The first line of a block of commands to type, not a file.
const SHELL_COMMAND =
  /^\s*(?:\$[ \t]|>[ \t]|(?:pip3?|python3?|py|npm|npx|yarn|pnpm|node|flask|cd|export|set|curl|docker|git|source|mkdir)[ \t])/;

const SHELL_FILES = ['sh', 'bash', 'zsh', 'ps1', 'bat', 'cmd', 'env', 'flaskenv'];
const SHELL_FAMILY: ReadonlySet<string> = new Set(SHELL_FILES);
const JS_FILES = ['js', 'jsx', 'mjs', 'cjs', 'ts', 'tsx', 'mts', 'cts'];
// Tags whose blocks are certain kinds of files; an unknown tag (`text`, `requirements`) may be any.
const LANGUAGE_FAMILIES = new Map<string, ReadonlySet<string>>(
  (
    [
      [
        ['python', 'py', 'python3', 'py3'],
        ['py', 'pyi'],
      ],
      [
        ['js', 'jsx', 'javascript', 'mjs', 'cjs', 'ts', 'tsx', 'typescript', 'react', 'javascriptreact'],
        JS_FILES,
      ],
      [['typescriptreact'], JS_FILES],
      [
        ['css', 'scss', 'sass', 'less'],
        ['css', 'scss', 'sass', 'less'],
      ],
      [
        ['html', 'htm'],
        ['html', 'htm'],
      ],
      [
        ['json', 'jsonc', 'json5'],
        ['json', 'jsonc', 'eslintrc', 'prettierrc', 'babelrc'],
      ],
      [
        ['yaml', 'yml'],
        ['yml', 'yaml'],
      ],
      // A markdown block after "Here is `app.py`:" wraps the answer; only a markdown file is one.
      [
        ['markdown', 'md'],
        ['md', 'mdx'],
      ],
      [
        [
          'bash',
          'sh',
          'shell',
          'zsh',
          'console',
          'terminal',
          'shellscript',
          'powershell',
          'ps1',
          'cmd',
          'bat',
        ],
        SHELL_FILES,
      ],
      [['diff', 'patch', 'output', 'log'], []],
    ] as const
  ).flatMap(([tags, extensions]) => tags.map((tag) => [tag, new Set<string>(extensions)] as const)),
);

// `path`, `` `path` ``, `**path**`, `` **`path`** ``: the whole text is one path.
function wholePath(text: string): string | undefined {
  const inner = stripEmphasis(stripColon(text.trim())).trim();
  if (inner.startsWith('`')) {
    const end = inner.indexOf('`', 1);
    return end === inner.length - 1 ? asFilePath(inner.slice(1, -1)) : undefined;
  }
  return /\s/.test(inner) ? undefined : asFilePath(inner, true);
}

// A list item or heading that starts with the path: `` `models.py` - the data layer ``.
function leadingPath(text: string, introduces: boolean): string | undefined {
  if (!introduces) return undefined;
  const match = /^(\**)(`[^`]+`|[^\s`*:(]+)\1/.exec(text);
  if (match === null) return undefined;
  const rest = text.slice(match[0].length);
  if (!DESCRIPTION_SEPARATOR.test(rest) || rest.includes('`')) return undefined;
  if (rest.trim().split(/\s+/).length > MAX_DESCRIPTION_WORDS + 1) return undefined;
  if (rest.split(/\s+/).some((word) => asFilePath(word.replace(/[,;:.)]+$/, ''), true) !== undefined)) {
    return undefined;
  }
  const token = match[2]!;
  return token.startsWith('`') ? asFilePath(token.slice(1, -1)) : asFilePath(token, true);
}

// A sentence whose only code span (or, without one, only bold span) is a path, and no other word is.
function onlySpanPath(text: string): string | undefined {
  const codes = [...text.matchAll(CODE_SPAN)];
  const spans = codes.length > 0 ? codes : [...text.matchAll(BOLD_SPAN)];
  if (spans.length !== 1) return undefined;
  const span = spans[0]!;
  const outside = text.slice(0, span.index) + text.slice(span.index + span[0].length);
  if (outside.includes('`')) return undefined;
  const words = outside.split(/\s+/).map((word) => word.replace(/^[*("']+|[*,;:.)!?"']+$/g, ''));
  if (words.some((word) => asFilePath(word, true) !== undefined)) return undefined;
  return asFilePath(stripEmphasis(span[1]!).replace(/^`|`$/g, ''));
}

function stripColon(text: string): string {
  return text.replace(/:(\**)$/, '$1').replace(/[ \t]+$/, '');
}

function stripEmphasis(text: string): string {
  return text.replace(/^\*+|\*+$/g, '');
}

/**
 * The path if `token` names a file: no spaces or URL, and a known extension or name. A bare word
 * (not in a code span) must also not be a library name written like a file (`Node.js`).
 */
function asFilePath(token: string, bare = false): string | undefined {
  const path = token.trim();
  if (path === '' || !PATH_CHARACTERS.test(path) || path.startsWith('-')) return undefined;
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  const known =
    KNOWN_NAMES.has(name.toLowerCase()) ||
    (dot !== -1 && dot < name.length - 1 && FILE_EXTENSIONS.has(name.slice(dot + 1).toLowerCase()));
  if (!known) return undefined;
  if (bare && PRODUCT_NAMES.has(path.toLowerCase())) return undefined;
  return path;
}
