import { strict as assert } from 'node:assert';
import { tokenizePython } from '../../../daemon/prompts/tokenize-python';

const kindsAndValues = (source: string) => tokenizePython(source).map((t) => [t.kind, t.value]);

describe('tokenizePython', () => {
  it('splits names, operators, numbers and strings', () => {
    assert.deepEqual(kindsAndValues("x = f(1, 'a')"), [
      ['name', 'x'],
      ['op', '='],
      ['name', 'f'],
      ['op', '('],
      ['other', '1'],
      ['op', ','],
      ['string', 'a'],
      ['op', ')'],
    ]);
  });

  it('drops comments', () => {
    assert.deepEqual(kindsAndValues('a # b c\nd'), [
      ['name', 'a'],
      ['name', 'd'],
    ]);
  });

  it('reads triple-quoted strings across lines as one token', () => {
    assert.deepEqual(kindsAndValues('"""one\n@app.get("/x")\ntwo""" z'), [
      ['string', 'one\n@app.get("/x")\ntwo'],
      ['name', 'z'],
    ]);
  });

  it('decodes escapes except in raw strings', () => {
    assert.deepEqual(kindsAndValues(String.raw`'a\'b\n' r'a\d'`), [
      ['string', "a'b\n"],
      ['string', String.raw`a\d`],
    ]);
  });

  it('marks f-strings, whose value is not known', () => {
    assert.deepEqual(kindsAndValues('f"/api/{x}" rb"x"'), [
      ['fstring', '/api/{x}'],
      ['string', 'x'],
    ]);
  });

  it('ends an unterminated string at the end of its line', () => {
    assert.deepEqual(kindsAndValues("'open\nnext"), [
      ['string', 'open'],
      ['name', 'next'],
    ]);
  });

  it('marks the first token of each line', () => {
    assert.deepEqual(
      tokenizePython('@a\n  b c\n\n@d').map((t) => t.lineStart),
      [true, false, true, false, true, false],
    );
  });

  it('keeps two-character comparison operators whole', () => {
    assert.deepEqual(kindsAndValues('a == b'), [
      ['name', 'a'],
      ['op', '=='],
      ['name', 'b'],
    ]);
  });
});
