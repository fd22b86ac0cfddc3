import { strict as assert } from 'node:assert';
import { REDACTED, scrubSecret } from '../../../daemon/openrouter/scrub-secret';

describe('scrubSecret', () => {
  it('removes every occurrence of the key', () => {
    assert.equal(scrubSecret('key abc123 and abc123', 'abc123'), `key ${REDACTED} and ${REDACTED}`);
  });

  it('removes bearer tokens and OpenRouter-shaped keys even when the key is unknown', () => {
    const text = 'Authorization: Bearer tok_987 failed for sk-or-v1-0123456789abcdef';
    const scrubbed = scrubSecret(text, undefined);
    assert.ok(!scrubbed.includes('tok_987'));
    assert.ok(!scrubbed.includes('sk-or-v1-0123456789abcdef'));
  });

  it('leaves text without secrets unchanged', () => {
    assert.equal(scrubSecret('No auth credentials found', 'abc123'), 'No auth credentials found');
    assert.equal(scrubSecret('plain', ''), 'plain');
  });
});
