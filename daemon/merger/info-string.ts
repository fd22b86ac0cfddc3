/** What a fence's info string says about its block. */
export interface InfoString {
  /** Lower-case language tag, `''` when there is none. */
  language: string;
  /** The file path the info string names, as written (not yet checked). */
  path?: string;
}

// Longer info strings are not annotations a model writes; do not spend time on them.
const MAX_INFO_LENGTH = 1000;
const LANGUAGE_TAG = /^[A-Za-z][A-Za-z0-9+#._-]*$/;
const KEYED_PATH =
  /(?:^|[\s{,])(file|filename|filepath|path|title)\s*[=:]\s*(?:"([^"]*)"|'([^']*)'|([^\s"'{},]+))/i;
const ANNOTATION_KEY = /^(?:file|filename|filepath|path|title)$/i;
const FILE_EXTENSION = /\.[A-Za-z][A-Za-z0-9_-]{0,15}$/;

/**
 * Reads a fence's info string: `jsx src/components/List.jsx`, `python:app.py`, `python app.py`,
 * `js filename=x.js`, `python title="app.py"`, or a bare path (`src/App.jsx`, language taken from the
 * extension). Extra words such as line highlights (`{1,3}`) are ignored.
 */
export function parseInfoString(info: string): InfoString {
  const text = info.trim();
  if (text === '') return { language: '' };
  if (text.length > MAX_INFO_LENGTH) {
    const word = text.slice(0, Math.min(text.length, 40)).split(/\s/)[0]!;
    return { language: LANGUAGE_TAG.test(word) ? word.toLowerCase() : '' };
  }

  const keyed = KEYED_PATH.exec(text);
  const keyedValue = keyed === null ? undefined : (keyed[2] ?? keyed[3] ?? keyed[4]);
  // A title may be a caption (`title="Backend code"`); the other keys always name a file.
  const keyedPath =
    keyedValue !== undefined && (keyed![1]!.toLowerCase() !== 'title' || looksLikePath(keyedValue))
      ? keyedValue
      : undefined;
  const tokens = text.split(/\s+/);
  const first = tokens[0]!;

  let language = '';
  let path: string | undefined;
  const colon = first.indexOf(':');
  if (colon > 0 && colon < first.length - 1 && LANGUAGE_TAG.test(first.slice(0, colon))) {
    // `python:app.py`: the part after the colon is meant as a path, whatever it looks like.
    language = first.slice(0, colon);
    path = first.slice(colon + 1);
  } else if (looksLikePath(first)) {
    path = unquote(first);
    language = extensionOf(path);
  } else {
    language = first.replace(/^[{.]+|\}+$/g, '');
    path = tokens.slice(1).find(looksLikePath);
    if (path !== undefined) path = unquote(path);
  }
  if (keyedPath !== undefined && keyedPath.trim() !== '') path = keyedPath;
  // `filename=x.js` or `file:x.js` alone: the first word was the annotation, not a language.
  if (ANNOTATION_KEY.test(language) || language.includes('=')) {
    language = path === undefined ? '' : extensionOf(path);
  }
  language = language.replace(/:$/, '').toLowerCase();
  return path === undefined ? { language } : { language, path };
}

/**
 * Whether a word in an annotation names a file: it has a separator or a file extension
 * (`3.11` or `{1,3}` do not). URLs and `key=value` words are not paths.
 */
export function looksLikePath(word: string): boolean {
  const token = unquote(word);
  if (token === '' || token.includes('=') || token.includes('://')) return false;
  return token.includes('/') || token.includes('\\') || FILE_EXTENSION.test(token);
}

/** The extension of a path, lower case and without the dot (`''` when none). */
export function extensionOf(path: string): string {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

function unquote(word: string): string {
  if (word.length >= 2 && (word[0] === '"' || word[0] === "'") && word.at(-1) === word[0]) {
    return word.slice(1, -1);
  }
  return word;
}
