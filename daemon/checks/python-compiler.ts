/**
 * The daemon's way to compile Python for checks: finds the interpreter the settings name (again
 * whenever they change) and keeps one worker process for it.
 */
import { findPython } from './python-interpreter';
import { type PythonCompileResult, type PythonSource, PythonWorker } from './python-syntax';

export interface PythonSettings {
  /** `appgen.checks.python` / `APPGEN_PYTHON`; empty for the default search. */
  setting: string;
  /** PATH to find and run the interpreter with. */
  path: string;
  timeoutMs: number;
}

export class PythonCompiler {
  private worker: PythonWorker | undefined;
  private key: string | undefined;

  constructor(
    private readonly settings: () => PythonSettings,
    private readonly workspace: string,
  ) {}

  compile(files: readonly PythonSource[]): Promise<PythonCompileResult> {
    const settings = this.settings();
    const key = `${settings.setting}\0${settings.path}\0${settings.timeoutMs}`;
    if (key !== this.key || !this.worker) {
      this.worker?.dispose();
      this.worker = undefined;
      this.key = key;
      const found = findPython({ setting: settings.setting, path: settings.path, workspace: this.workspace });
      if (!found.ok) {
        // Looked up again next time: an interpreter may be installed meanwhile.
        this.key = undefined;
        return Promise.resolve({ status: 'skipped', reason: found.reason });
      }
      this.worker = new PythonWorker({
        command: found.command,
        path: settings.path,
        timeoutMs: settings.timeoutMs,
      });
    }
    return this.worker.compile(files);
  }

  dispose(): void {
    this.worker?.dispose();
    this.worker = undefined;
    this.key = undefined;
  }
}
