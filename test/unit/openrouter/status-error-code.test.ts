import { strict as assert } from 'node:assert';
import { statusErrorCode } from '../../../daemon/openrouter/status-error-code';

describe('statusErrorCode', () => {
  it('maps the statuses the contract names', () => {
    const expected: Array<[number, string]> = [
      [400, 'bad_request'],
      [401, 'unauthorized'],
      [402, 'insufficient_credits'],
      [403, 'forbidden'],
      [404, 'bad_request'],
      [408, 'upstream'],
      [429, 'rate_limited'],
      [500, 'upstream'],
      [502, 'upstream'],
      [503, 'upstream'],
      [504, 'upstream'],
    ];
    for (const [status, code] of expected) assert.equal(statusErrorCode(status), code, String(status));
  });

  it('maps other 4xx to bad_request and other 5xx to upstream', () => {
    assert.equal(statusErrorCode(413), 'bad_request');
    assert.equal(statusErrorCode(422), 'bad_request');
    assert.equal(statusErrorCode(520), 'upstream');
  });
});
