/**
 * Finding a checked app's processes through /proc (Linux): the living members of its process
 * group, and any process that left the group (`setsid`, a double fork) but still works in, runs
 * from or carries in its environment the sandbox folder, which every process the app starts
 * inherits (HOME, TMPDIR, PYTHONPATH). Zombies are not counted: they hold nothing and are gone
 * once their parent reaps them. Without /proc, group membership is asked of the kernel with
 * signal 0 and the sweep finds nothing.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const HAS_PROC = process.platform === 'linux';

interface ProcStat {
  state: string;
  ppid: number;
  pgrp: number;
  /** When the process started, in clock ticks since boot. */
  startTime: number;
}

function statOf(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces and parentheses itself.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      state: fields[0]!,
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      startTime: Number(fields[19]),
    };
  } catch {
    return undefined;
  }
}

/** When process `pid` started (clock ticks since boot), if /proc tells. */
export function startTimeOf(pid: number): number | undefined {
  return HAS_PROC ? statOf(pid)?.startTime : undefined;
}

function pids(): number[] {
  const list: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) list.push(pid);
  }
  return list;
}

/** Living (not zombie) processes of process group `pgid`. */
export function livingGroupMembers(pgid: number): number[] {
  try {
    process.kill(-pgid, 0);
  } catch {
    return [];
  }
  // Someone is in the group, perhaps only zombies nobody has reaped yet.
  if (!HAS_PROC) return [pgid];
  return pids().filter((pid) => {
    const stat = statOf(pid);
    return stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z';
  });
}

function mentions(pid: number, folder: string): boolean {
  try {
    const cwd = readlinkSync(`/proc/${pid}/cwd`);
    if (cwd === folder || cwd.startsWith(`${folder}/`)) return true;
  } catch {
    // Another user's process, or one that just ended.
  }
  for (const file of ['cmdline', 'environ']) {
    try {
      if (readFileSync(`/proc/${pid}/${file}`).includes(`${folder}/`)) return true;
    } catch {
      // As above.
    }
  }
  return false;
}

/**
 * Living processes whose working folder is in `folder`, or whose command line or environment
 * names a path in it. Only those started at `startedSince` or later are read (the app's
 * descendants cannot be older than the app), which keeps the sweep to a few files.
 */
export function processesUsing(folder: string, startedSince = 0): number[] {
  if (!HAS_PROC) return [];
  return pids().filter((pid) => {
    const stat = statOf(pid);
    return (
      stat !== undefined && stat.state !== 'Z' && stat.startTime >= startedSince && mentions(pid, folder)
    );
  });
}

/**
 * Living descendants of process `pid` (children, their children, ...), only those started at
 * `startedSince` or later being read. A process that left the group and the session is still found
 * here as long as its parent, or the subreaper it was handed to, is `pid` or one of these.
 */
export function descendantsOf(pid: number, startedSince = 0): number[] {
  if (!HAS_PROC) return [];
  const children = new Map<number, number[]>();
  for (const each of pids()) {
    const stat = statOf(each);
    if (stat === undefined || stat.state === 'Z' || stat.startTime < startedSince) continue;
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(each);
    else children.set(stat.ppid, [each]);
  }
  const found: number[] = [];
  const waiting = [pid];
  while (waiting.length > 0) {
    for (const child of children.get(waiting.pop()!) ?? []) {
      found.push(child);
      waiting.push(child);
    }
  }
  return found;
}
