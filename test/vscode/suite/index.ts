/**
 * The test runner the extension host loads (extensionTestsPath): the usual `run()` contract.
 * The test files are bundled into this one file and loaded after mocha has set its globals, so
 * they share one simulator and one view of the extension.
 */
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  mocha.suite.emit('pre-require', globalThis, 'appgen-suite', mocha);
  // Order matters: the first file checks that nothing was activated before it.
  require('./activation.test');
  require('./api-key.test');
  require('./generate.test');
  require('./failure-and-cancel.test');
  require('./batch.test');
  require('./spend.test');
  require('./compare.test');
  require('./versions.test');
  require('./settings.test');
  require('./daemon-restart.test');
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} tests failed.`)) : resolve()));
  });
}
