/**
 * Starts the OpenRouter simulator for the UI test and prints its base URL on the first line of
 * stdout. Stops on SIGTERM or SIGINT.
 */
import { startSimulator } from '../../daemon/simulator/simulator';

async function main(): Promise<void> {
  // Slow models stay "running" long enough to be seen and photographed next to finished ones.
  const simulator = await startSimulator({ host: '127.0.0.1', slowLatencyMs: 60_000 });
  process.stdout.write(`${simulator.url}\n`);
  const stop = () => {
    void simulator.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
