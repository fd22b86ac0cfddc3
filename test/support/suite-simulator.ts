/**
 * One OpenRouter simulator shared by the tests of a mocha suite, for suites whose tests do not need
 * a fresh server each.
 */
import { type Simulator, type SimulatorOptions, startSimulator } from '../../daemon/simulator/simulator';

export interface SuiteSimulatorOptions extends SimulatorOptions {
  /** Runs after each test, before the simulator is reset: e.g. stops the daemons that use it. */
  afterEachTest?: () => unknown;
}

/**
 * Registers hooks in the calling suite that start a simulator before its first test, reset it
 * (recorded requests, faults, scripts, holds) after each test and close it after the last.
 * Returns the simulator, which exists from the first test on.
 */
export function suiteSimulator(options: SuiteSimulatorOptions = {}): () => Simulator {
  const { afterEachTest, ...simulatorOptions } = options;
  let sim: Simulator | undefined;
  before(async () => {
    sim = await startSimulator(simulatorOptions);
  });
  afterEach(async () => {
    await afterEachTest?.();
    sim?.reset();
  });
  after(async () => {
    await sim?.close();
  });
  return () => {
    if (!sim) throw new Error('the suite simulator starts in a before hook; use it from a test');
    return sim;
  };
}
