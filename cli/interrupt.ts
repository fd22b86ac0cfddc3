/**
 * Ctrl-C for a command's whole life: a SIGINT that arrives while the daemon is still starting or a
 * batch is being recorded is remembered, not lost (and does not kill the process), so the command
 * always ends the same clean way.
 */
export interface Interrupt {
  /** Resolves on the first SIGINT. */
  readonly happened: Promise<void>;
  readonly fired: boolean;
  dispose(): void;
}

export function watchInterrupt(proc: NodeJS.Process = process): Interrupt {
  let fired = false;
  let resolveHappened: () => void = () => {};
  const happened = new Promise<void>((resolve) => {
    resolveHappened = resolve;
  });
  const onSigint = () => {
    fired = true;
    resolveHappened();
  };
  proc.on('SIGINT', onSigint);
  return {
    happened,
    get fired() {
      return fired;
    },
    dispose: () => proc.off('SIGINT', onSigint),
  };
}
