/**
 * How long a `generation/start` takes to be acknowledged on an idle daemon: the job is recorded on
 * disk before the reply, so this is the time of one history save plus the round trip. Jobs are
 * started one after another, as a script that starts them one by one does; the simulator holds
 * their calls, so the daemon has nothing else to do.
 */
import { rmSync } from 'node:fs';
import { startSimulator } from '../../daemon/simulator/simulator';
import * as P from '../../shared/protocol';
import { spawnDaemon } from '../support/daemon-process';

export interface StartAckReport {
  starts: number;
  /** The first start, not counted in the others: it also fetches the server's model list. */
  firstMs: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

export async function runStartAck(starts: number): Promise<StartAckReport> {
  const sim = await startSimulator();
  sim.setModelBehavior('bench/model', {}); // listed by the simulator, so the daemon accepts it
  sim.pause();
  const daemon = spawnDaemon({ env: { OPENROUTER_BASE_URL: sim.url, OPENROUTER_API_KEY: 'bench-key' } });
  const times: number[] = [];
  try {
    await daemon.initialize();
    for (let i = 0; i <= starts; i++) {
      const started = performance.now();
      await daemon.connection.sendRequest(P.GenerationStartRequest, {
        templateSlug: 'crud_todo_list',
        model: 'bench/model',
      });
      times.push(performance.now() - started);
    }
  } finally {
    await daemon.kill();
    await sim.close();
    rmSync(daemon.workspace, { recursive: true, force: true });
  }
  const [firstMs, ...counted] = times;
  const sorted = counted.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { starts, firstMs: firstMs!, medianMs: at(0.5), p95Ms: at(0.95), maxMs: sorted[sorted.length - 1]! };
}
