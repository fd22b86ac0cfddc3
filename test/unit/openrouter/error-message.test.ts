import { strict as assert } from 'node:assert';
import {
  describeTextBody,
  extractErrorMessage,
  MAX_MESSAGE_LENGTH,
} from '../../../daemon/openrouter/error-message';

describe('extractErrorMessage', () => {
  it('reads {error: {message}}', () => {
    assert.equal(
      extractErrorMessage({ error: { message: 'User not found.', code: 401 } }),
      'User not found.',
    );
  });

  it('reads {error: "..."}', () => {
    assert.equal(extractErrorMessage({ error: 'model is required' }), 'model is required');
  });

  it('reads {message} and {detail}', () => {
    assert.equal(extractErrorMessage({ message: 'Bad gateway' }), 'Bad gateway');
    assert.equal(extractErrorMessage({ detail: 'Not Found' }), 'Not Found');
  });

  it('reads a bare string', () => {
    assert.equal(extractErrorMessage('Internal error'), 'Internal error');
  });

  it('adds the provider message nested as JSON text in metadata.raw', () => {
    const body = {
      error: {
        message: 'Provider returned error',
        code: 429,
        metadata: { raw: '{"error":{"message":"Quota exceeded for gpt-4o"}}', provider_name: 'OpenAI' },
      },
    };
    assert.equal(extractErrorMessage(body), 'Provider returned error (OpenAI: Quota exceeded for gpt-4o)');
  });

  it('uses metadata.raw alone when there is no message', () => {
    assert.equal(
      extractErrorMessage({ error: { metadata: { raw: 'upstream exploded' } } }),
      'upstream exploded',
    );
  });

  it('never produces "[object Object]" for nested objects', () => {
    const shapes: unknown[] = [
      { error: { message: { text: 'deep' } } },
      { error: { code: 500 } },
      { error: {} },
      { error: [{ message: 'first' }, { message: 'second' }] },
      { foo: { bar: 1 } },
      [{}, { error: 'x' }],
    ];
    for (const shape of shapes) {
      const message = extractErrorMessage(shape);
      assert.ok(!message.includes('[object Object]'), `${JSON.stringify(shape)} -> ${message}`);
    }
    assert.equal(
      extractErrorMessage({ error: [{ message: 'first' }, { message: 'second' }] }),
      'first; second',
    );
    assert.equal(extractErrorMessage({ error: { code: 500 } }), '{"code":500}');
  });

  it('returns an empty string when there is nothing to say', () => {
    assert.equal(extractErrorMessage(undefined), '');
    assert.equal(extractErrorMessage(null), '');
    assert.equal(extractErrorMessage({}), '');
    assert.equal(extractErrorMessage('   '), '');
  });

  it('survives cycles and deep nesting', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.error = cyclic;
    assert.equal(typeof extractErrorMessage(cyclic), 'string');
  });

  it('collapses whitespace and caps the length', () => {
    assert.equal(extractErrorMessage({ message: 'a\n\n  b\tc' }), 'a b c');
    const long = extractErrorMessage({ message: 'x'.repeat(5000) });
    assert.equal(long.length, MAX_MESSAGE_LENGTH);
    assert.ok(long.endsWith('...'));
  });
});

describe('describeTextBody', () => {
  it('uses the title of an HTML page', () => {
    const html = '<html><head><title>502 Bad Gateway</title></head><body><h1>Oops</h1></body></html>';
    assert.equal(describeTextBody(html), '502 Bad Gateway');
  });

  it('falls back to the first heading, then the visible text, of an HTML page', () => {
    assert.equal(describeTextBody('<html><body><h1>Service &amp; more</h1></body></html>'), 'Service & more');
    assert.equal(
      describeTextBody('<body><style>p{}</style><p>Down for   maintenance</p></body>'),
      'Down for maintenance',
    );
  });

  it('keeps plain text as it is, trimmed', () => {
    assert.equal(describeTextBody('  upstream connect error  '), 'upstream connect error');
  });

  it('reads a page of unclosed tags as large as a response may be in linear time', () => {
    for (const unit of ['<title', '<h1', '<script', '<style x', '<<']) {
      // Made flat first, so that only the reading is timed.
      const page = Buffer.from(`<html>${unit.repeat((8 * 1024 * 1024) / unit.length)}</body>`).toString();
      const started = performance.now();
      describeTextBody(page);
      const ms = performance.now() - started;
      assert.ok(ms < 250, `${unit}...: ${ms.toFixed(0)} ms`);
    }
  });

  it('still finds a title, a heading and text between scripts', () => {
    assert.equal(describeTextBody('<html><head><TITLE a="1">Busy</TITLE></head></html>'), 'Busy');
    assert.equal(
      describeTextBody('<body><script>x()</script>Try <b>again</b><style>p{}</style> later</body>'),
      'Try again later',
    );
    assert.equal(describeTextBody('<html><body>Down<script>never closed'), 'Down');
  });
});
