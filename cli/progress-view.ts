/**
 * Live progress of a run on a terminal: a bar with counts and the jobs running (with retry waits),
 * redrawn in place. When the output is not a terminal, one plain line per job change instead.
 */
import type { Job } from '../shared/job';
import type { BatchProgress } from '../shared/protocol';

/** The counts a batch reports, worked out here from the jobs this run follows. */
export type ProgressCounts = Pick<
  BatchProgress,
  'total' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'costUsd'
>;

export function countJobs(jobs: Iterable<Job>): ProgressCounts {
  const counts: ProgressCounts = {
    total: 0,
    queued: 0,
    running: 0,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
    costUsd: 0,
  };
  for (const job of jobs) {
    counts.total++;
    counts[job.status]++;
    counts.costUsd += job.usage?.costUsd ?? 0;
  }
  return counts;
}

/** The bar and counts, e.g. `[#####-----] 5/10  ok 4  failed 1  running 2  queued 3  $0.0123`. */
export function progressLine(counts: ProgressCounts, width = 24): string {
  const done = counts.succeeded + counts.failed + counts.cancelled;
  const filled = counts.total === 0 ? width : Math.round((done / counts.total) * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const parts = [
    `${bar} ${done}/${counts.total}`,
    `ok ${counts.succeeded}`,
    `failed ${counts.failed}`,
    ...(counts.cancelled ? [`cancelled ${counts.cancelled}`] : []),
    `running ${counts.running}`,
    `queued ${counts.queued}`,
    `$${counts.costUsd.toFixed(4)}`,
  ];
  return parts.join('  ');
}

export function describeJob(job: Job, now: number): string {
  const name = `${job.model} ${job.templateSlug} app${job.appNum}`;
  if (job.phase === 'retry-wait' && job.retryAt) {
    const seconds = Math.max(0, (Date.parse(job.retryAt) - now) / 1000);
    return `${name}: retrying in ${seconds.toFixed(1)}s (attempt ${job.attempts})`;
  }
  if (job.status === 'failed' && job.error)
    return `${name}: failed (${job.error.code}) ${job.error.message.split('\n')[0]}`;
  return `${name}: ${job.status === 'running' ? (job.phase ?? 'running') : job.status}`;
}

export class ProgressView {
  private readonly jobs = new Map<string, Job>();
  private drawnLines = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly noted = new Set<string>();

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly tty: boolean,
  ) {}

  track(jobs: Job[]): void {
    for (const job of jobs) this.jobs.set(job.id, job);
    if (this.tty) {
      // Redraw now and then so retry countdowns move even when nothing is announced.
      if (this.timer) clearInterval(this.timer);
      this.timer = setInterval(() => this.draw(), 500);
      this.timer.unref();
      this.draw();
    }
  }

  update(job: Job): void {
    const previous = this.jobs.get(job.id);
    if (!previous) return;
    this.jobs.set(job.id, job);
    if (this.tty) {
      this.draw();
    } else if (
      previous.status !== job.status ||
      (job.phase === 'retry-wait' && previous.phase !== 'retry-wait')
    ) {
      this.out.write(
        `${describeJob(job, Date.now())}  [${progressLine(countJobs(this.jobs.values()), 10)}]\n`,
      );
    }
  }

  /**
   * Prints a line above the live display (a budget stop, a pause), once per text: the same news may
   * come both with a batch's progress and from the daemon.
   */
  note(line: string): void {
    if (this.noted.has(line)) return;
    this.noted.add(line);
    if (!this.tty) {
      this.out.write(`${line}\n`);
      return;
    }
    // Over the frame, which is then drawn again below the line.
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F\x1b[0J` : '';
    this.out.write(`${up}${line}\n`);
    this.drawnLines = 0;
    if (this.timer) this.draw();
  }

  all(): Job[] {
    return [...this.jobs.values()];
  }

  counts(): ProgressCounts {
    return countJobs(this.jobs.values());
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) this.draw();
  }

  private draw(): void {
    const columns = this.out.columns || 100;
    const running = [...this.jobs.values()].filter((j) => j.status === 'running');
    const lines = [
      progressLine(this.counts()),
      ...running.slice(0, 8).map((j) => `  ${describeJob(j, Date.now())}`),
      ...(running.length > 8 ? [`  ... and ${running.length - 8} more running`] : []),
    ].map((line) => line.slice(0, columns - 1));
    let text = '';
    if (this.drawnLines > 0) text += `\x1b[${this.drawnLines}F`;
    for (const line of lines) text += `\x1b[2K${line}\n`;
    // Clear lines left over from a taller previous frame.
    for (let i = lines.length; i < this.drawnLines; i++) text += '\x1b[2K\n';
    if (this.drawnLines > lines.length) text += `\x1b[${this.drawnLines - lines.length}F`;
    this.out.write(text);
    this.drawnLines = lines.length;
  }
}
