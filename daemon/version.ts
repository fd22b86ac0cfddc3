/** The daemon's version, replaced at build time from package.json. */
declare const __APPGEN_VERSION__: string | undefined;
export const DAEMON_VERSION: string =
  typeof __APPGEN_VERSION__ === 'string' ? __APPGEN_VERSION__ : '0.0.0-dev';
