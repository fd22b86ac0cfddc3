import { strict as assert } from 'node:assert';
import { REDACTED, SecretScrubber } from '../../daemon/secret-scrubber';

describe('SecretScrubber', () => {
  it('removes every occurrence of every key it was told of', () => {
    const scrubber = new SecretScrubber(['first-key-123']);
    scrubber.add('second-key-456');
    assert.equal(
      scrubber.scrub('first-key-123 then second-key-456 and first-key-123'),
      `${REDACTED} then ${REDACTED} and ${REDACTED}`,
    );
  });

  it('removes a key that holds another whole', () => {
    const scrubber = new SecretScrubber(['secret-12', 'secret-12345678']);
    assert.equal(scrubber.scrub('secret-12345678'), REDACTED);
  });

  it('removes bearer tokens and OpenRouter-shaped keys even when the key is unknown', () => {
    const scrubber = new SecretScrubber();
    const text = 'Authorization: Bearer tok_9876543210abcdef failed for sk-or-v1-0123456789abcdef';
    assert.equal(scrubber.scrub(text), `Authorization: Bearer ${REDACTED} failed for ${REDACTED}`);
  });

  it('leaves code that builds an Authorization header as it is', () => {
    const scrubber = new SecretScrubber(['sk-or-v1-known-key-0123']);
    const code = [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: generated JavaScript, kept as text
      'headers: { Authorization: `Bearer ${token}` },',
      "headers = {'Authorization': 'Bearer ' + token}",
      'f"Bearer {api_key}"',
    ].join('\n');
    assert.equal(scrubber.scrub(code), code);
  });

  it('ignores empty and very short values, which would take words out of answers', () => {
    const scrubber = new SecretScrubber(['', 'abc', undefined]);
    assert.equal(scrubber.scrub('abc and more'), 'abc and more');
    assert.equal(scrubber.scrub('No auth credentials found'), 'No auth credentials found');
  });
});
