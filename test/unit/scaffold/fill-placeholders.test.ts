import { strict as assert } from 'node:assert';
import { fillPlaceholders } from '../../../daemon/scaffold/fill-placeholders';

describe('fillPlaceholders', () => {
  it('replaces every occurrence of a known placeholder', () => {
    assert.equal(fillPlaceholders('{{a}}-{{a}}', { a: 'x' }), 'x-x');
  });

  it('writes numbers as decimal text', () => {
    assert.equal(fillPlaceholders('port={{port}}', { port: 5001 }), 'port=5001');
  });

  it('allows spaces inside the braces', () => {
    assert.equal(fillPlaceholders('{{ name }}', { name: 'app' }), 'app');
  });

  it('leaves unknown placeholders untouched', () => {
    assert.equal(
      fillPlaceholders('{{known}} {{unknown}} {{ other }}', { known: 'k' }),
      'k {{unknown}} {{ other }}',
    );
  });

  it('does not treat JSX double braces as placeholders', () => {
    const jsx = "<div style={{ color: 'red' }}>{{title}}</div>";
    assert.equal(
      fillPlaceholders(jsx, { title: 'Hi', color: 'blue' }),
      "<div style={{ color: 'red' }}>Hi</div>",
    );
  });

  it('does not look up inherited properties', () => {
    assert.equal(fillPlaceholders('{{toString}} {{constructor}}', {}), '{{toString}} {{constructor}}');
  });

  it('inserts values literally, even when they contain $ patterns or braces', () => {
    assert.equal(fillPlaceholders('{{a}}', { a: "$& $1 $' {{b}}" }), "$& $1 $' {{b}}");
  });
});
