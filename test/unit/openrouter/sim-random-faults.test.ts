import { strict as assert } from 'node:assert';
import { StepScript } from '../../../daemon/simulator/step-script';

const prompt = [{ role: 'user', content: 'Build a todo app' }];

/** The kinds served to `count` requests for a model with this behaviour. */
function served(count: number, seed?: number): string[] {
  const script = new StepScript(0);
  script.setModelBehavior('acme/m', {
    faults: ['reset'],
    randomFaults: {
      rate: 0.2,
      steps: [
        { kind: 'http503', retryAfter: '1' },
        { kind: 'http429', retryAfter: '1' },
      ],
      ...(seed === undefined ? {} : { seed }),
    },
  });
  return Array.from({ length: count }, () => script.next('acme/m', prompt).step.kind);
}

describe('simulator: a share of requests failing at random', () => {
  it('serves the scripted faults first, then fails about the share asked for, its steps in turn', () => {
    const kinds = served(2001);
    assert.equal(kinds[0], 'reset');
    const failed = kinds.slice(1).filter((kind) => kind !== 'ok');
    assert.ok(failed.length > 340 && failed.length < 460, `${failed.length} of 2000 failed`);
    assert.deepEqual(failed.slice(0, 4), ['http503', 'http429', 'http503', 'http429']);
  });

  it('fails the same requests for the same seed, and others for another', () => {
    assert.deepEqual(served(200), served(200));
    assert.notDeepEqual(served(200, 7), served(200));
  });
});
