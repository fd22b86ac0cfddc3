import assert from 'node:assert/strict';
import type { Probe, ProbeKind } from '../../../../daemon/checks/smoke/smoke-result';
import { smokeVerdict } from '../../../../daemon/checks/smoke/smoke-verdict';

function probe(name: string, kind: ProbeKind, ok: boolean): Probe {
  return {
    name,
    kind,
    method: 'GET',
    path: '/x',
    json: true,
    bodyExcerpt: '',
    verdict: ok ? 'ok' : 'failed',
    ...(ok ? {} : { reason: `${name} broke` }),
  };
}

describe('smoke verdict', () => {
  const endpoints = (ok: number, failed: number) => [
    ...Array.from({ length: ok }, (_, i) => probe(`GET /ok${i}`, 'endpoint', true)),
    ...Array.from({ length: failed }, (_, i) => probe(`GET /bad${i}`, 'endpoint', false)),
  ];

  it('passes when every probe is ok', () => {
    assert.deepEqual(smokeVerdict([...endpoints(3, 0), probe('no-debugger', 'security', true)]), {
      verdict: 'passed',
    });
    assert.deepEqual(smokeVerdict([probe('no-debugger', 'security', true)]), { verdict: 'passed' });
  });

  it('is partial when some endpoints work or only a convention fails', () => {
    const some = smokeVerdict(endpoints(1, 2));
    assert.equal(some.verdict, 'partial');
    assert.match(some.reason!, /^1 of 3 endpoints work; GET \/bad0: GET \/bad0 broke/);
    assert.equal(
      smokeVerdict([...endpoints(2, 0), probe('unknown-id', 'error-convention', false)]).verdict,
      'partial',
    );
  });

  it('fails when no endpoint works', () => {
    assert.match(smokeVerdict(endpoints(0, 2)).reason!, /^no endpoint works/);
  });

  it('fails on any security probe and names it first', () => {
    const result = smokeVerdict([...endpoints(2, 3), probe('path-traversal', 'security', false)]);
    assert.equal(result.verdict, 'failed');
    assert.match(
      result.reason!,
      /^security probe failed \(path-traversal\); 2 of 5 endpoints work; path-traversal: /,
    );
    assert.match(result.reason!, /and 1 more$/);
  });
});
