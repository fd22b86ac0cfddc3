/**
 * A mocha root hook for the suites that spawn processes and open sockets: after the last test it
 * names whatever is still keeping Node alive (a child process, a server, a socket, a timer), so a
 * leak shows up in the output instead of as a run that never ends. The suites also set mocha's
 * `exit`, so the run ends either way.
 */
const WATCHED = new Set(['ProcessWrap', 'TCPServerWrap', 'TCPSocketWrap', 'PipeServerWrap', 'Timeout']);

export const mochaHooks = {
  afterAll(): void {
    const left = process.getActiveResourcesInfo().filter((kind) => WATCHED.has(kind));
    if (left.length === 0) return;
    const counts = new Map<string, number>();
    for (const kind of left) counts.set(kind, (counts.get(kind) ?? 0) + 1);
    const list = [...counts].map(([kind, n]) => `${n} ${kind}`).join(', ');
    process.stderr.write(`[leftover-report] still open after the last test: ${list}\n`);
  },
};
