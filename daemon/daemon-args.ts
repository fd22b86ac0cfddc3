/** The daemon's command line: `--stdio --workspace <dir>`. */
import { resolve } from 'node:path';
import { ConfigError } from './config';

export interface DaemonArgs {
  workspace: string;
}

export function parseDaemonArgs(argv: string[], cwd: string = process.cwd()): DaemonArgs {
  let workspace = cwd;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--stdio') continue;
    if (arg === '--workspace') {
      const value = argv[++i];
      if (!value) throw new ConfigError('--workspace needs a folder');
      workspace = value;
    } else if (arg?.startsWith('--workspace=')) {
      workspace = arg.slice('--workspace='.length);
    } else {
      throw new ConfigError(`unknown argument "${arg}"; usage: daemon --stdio --workspace <dir>`);
    }
  }
  return { workspace: resolve(cwd, workspace) };
}
