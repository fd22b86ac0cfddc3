import { strict as assert } from 'node:assert';
import { abortableSleep } from '../../../daemon/openrouter/abortable-sleep';
import { raceAbort } from '../../../daemon/openrouter/race-abort';

describe('abortableSleep', () => {
  it('resolves after the wait', async () => {
    await abortableSleep(0);
  });

  it('rejects as soon as the signal aborts, long before the wait ends', async () => {
    const controller = new AbortController();
    const sleeping = abortableSleep(3_600_000, controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(sleeping, /stop/);
  });

  it('rejects at once when the signal is already aborted', async () => {
    await assert.rejects(abortableSleep(3_600_000, AbortSignal.abort(new Error('early'))), /early/);
  });
});

describe('raceAbort', () => {
  it('settles like the promise when nothing aborts', async () => {
    assert.equal(await raceAbort(Promise.resolve(7), new AbortController().signal), 7);
    await assert.rejects(raceAbort(Promise.reject(new Error('own')), undefined), /own/);
  });

  it('rejects on abort even when the promise never settles', async () => {
    const controller = new AbortController();
    const racing = raceAbort(new Promise<never>(() => {}), controller.signal);
    controller.abort(new Error('gone'));
    await assert.rejects(racing, /gone/);
  });
});
