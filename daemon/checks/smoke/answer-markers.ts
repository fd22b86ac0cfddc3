/**
 * Text in an answer's body that gives away what a client must never see: a Python traceback, the
 * Werkzeug debugger (which runs any code a visitor types), or a database error (the sign of a
 * query built from the request's text).
 */

const DEBUGGER_MARKERS = [
  /Werkzeug Debugger/,
  /__debugger__/,
  /Traceback \(most recent call last\)/,
  /class="traceback"/,
  /werkzeug\.debug/,
];

const DATABASE_ERROR_MARKERS = [
  /sqlite3\.\w*Error/,
  /OperationalError/,
  /ProgrammingError/,
  /syntax error/i,
  /unrecognized token/,
  /sqlalchemy\.exc/,
  /Traceback \(most recent call last\)/,
];

function firstMatch(body: string, markers: readonly RegExp[]): string | undefined {
  for (const marker of markers) {
    const found = marker.exec(body);
    if (found) return found[0];
  }
  return undefined;
}

/** The debugger or traceback text the body holds, if any. */
export function debuggerText(body: string): string | undefined {
  return firstMatch(body, DEBUGGER_MARKERS);
}

/** The database error or traceback text the body holds, if any. */
export function databaseErrorText(body: string): string | undefined {
  return firstMatch(body, DATABASE_ERROR_MARKERS);
}

/** What /etc/passwd starts with on every Unix: its presence means a file outside the app was read. */
export const PASSWD_MARKER = 'root:x:0:0';
