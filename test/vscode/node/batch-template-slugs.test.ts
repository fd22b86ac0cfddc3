import * as assert from 'node:assert/strict';
import { slugPlace, templateSlugsAt, unknownSlugs } from '../../../extension/batch-template-slugs';

const KNOWN = ['crud_todo_list', 'api_url_shortener', 'quiz_app'];

describe('template slugs in a batch file', () => {
  const text = `{
  // two models
  "models": ["sim/alpha"],
  "templates": ["crud_todo_list", "quiz_ap", "nothing_like_it",],
}`;

  it('finds each slug with the span of its string', () => {
    const slugs = templateSlugsAt(text);
    assert.deepEqual(
      slugs.map((at) => at.slug),
      ['crud_todo_list', 'quiz_ap', 'nothing_like_it'],
    );
    for (const at of slugs) assert.equal(text.slice(at.offset, at.offset + at.length), `"${at.slug}"`);
  });

  it('flags the unknown ones on their value, naming the close one when there is one', () => {
    const problems = unknownSlugs(text, KNOWN);
    assert.deepEqual(
      problems.map((p) => [p.slug, p.closest]),
      [
        ['quiz_ap', 'quiz_app'],
        ['nothing_like_it', undefined],
      ],
    );
    assert.match(problems[0]!.message, /Unknown template "quiz_ap": did you mean "quiz_app"\?/);
    assert.equal(text.slice(problems[0]!.offset, problems[0]!.offset + problems[0]!.length), '"quiz_ap"');
  });

  it('finds nothing for "all", a half-typed file or no templates', () => {
    assert.deepEqual(templateSlugsAt('{"templates": "all"}'), []);
    assert.deepEqual(unknownSlugs('{"templates": "all"}', KNOWN), []);
    assert.deepEqual(templateSlugsAt('{"models": ['), []);
    assert.deepEqual(
      templateSlugsAt('{"templates": ["quiz_app", "cr').map((at) => at.slug),
      ['quiz_app', 'cr'],
    );
  });

  it('says where a slug goes', () => {
    const edited = '{"models": ["a"], "templates": ["quiz_app", ""]}';
    assert.deepEqual(slugPlace(edited, edited.lastIndexOf('""') + 1), { kind: 'slug', inString: true });
    const empty = '{"templates": [ ]}';
    assert.deepEqual(slugPlace(empty, empty.indexOf('[') + 1), { kind: 'slug', inString: false });
    const value = '{"templates": }';
    assert.deepEqual(slugPlace(value, value.indexOf(':') + 2), { kind: 'templates', inString: false });
    assert.equal(slugPlace(edited, edited.indexOf('"a"') + 1), undefined, 'not among models');
    assert.equal(slugPlace(edited, 2), undefined, 'not on a key');
  });
});
