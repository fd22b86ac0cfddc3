import { strict as assert } from 'node:assert';
import { LatestPerTick } from '../../daemon/latest-per-tick';

describe('LatestPerTick', () => {
  function setup() {
    const delivered: string[] = [];
    const deferred: Array<() => void> = [];
    const latest = new LatestPerTick<string>(
      (value) => delivered.push(value),
      (run) => deferred.push(run),
    );
    const endTurn = () => {
      for (const run of deferred.splice(0)) run();
    };
    return { delivered, deferred, latest, endTurn };
  }

  it('delivers only the last value of a key pushed in one turn, once the turn ends', () => {
    const { delivered, deferred, latest, endTurn } = setup();
    for (let i = 1; i <= 1000; i++) latest.push('batch-1', `queued ${i}`);
    assert.deepEqual(delivered, [], 'nothing before the end of the turn');
    assert.equal(deferred.length, 1, 'one deferred delivery for the whole turn');
    endTurn();
    assert.deepEqual(delivered, ['queued 1000']);
  });

  it('delivers every key, in the order of their latest changes, and every later turn', () => {
    const { delivered, latest, endTurn } = setup();
    latest.push('a', 'a1');
    latest.push('b', 'b1');
    latest.push('a', 'a2');
    endTurn();
    latest.push('b', 'b2');
    endTurn();
    assert.deepEqual(delivered, ['b1', 'a2', 'b2']);
  });

  it('delivers what waits at once on flush, and nothing twice', () => {
    const { delivered, latest, endTurn } = setup();
    latest.push('a', 'a1');
    latest.flush();
    assert.deepEqual(delivered, ['a1']);
    endTurn();
    assert.deepEqual(delivered, ['a1']);
  });
});
