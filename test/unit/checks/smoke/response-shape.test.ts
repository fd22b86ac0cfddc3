import assert from 'node:assert/strict';
import { dataWords, isNonJsonExample, shapeMismatch } from '../../../../daemon/checks/smoke/response-shape';

describe('smoke response shape', () => {
  const todo = { id: 1, title: 'Buy milk', done: false, due_date: '2025-03-01' };

  it('accepts an answer with every example key of the same type, nulls and extra keys included', () => {
    assert.equal(
      shapeMismatch(todo, { id: 7, title: 'x', done: true, due_date: null, extra: [1] }),
      undefined,
    );
    assert.equal(shapeMismatch(null, 'anything'), undefined);
  });

  it('names a missing key and a value of another type', () => {
    assert.equal(shapeMismatch(todo, { id: 1, title: 'x', due_date: null }), "'done' is missing");
    assert.equal(
      shapeMismatch(todo, { id: '1', title: 'x', done: false, due_date: null }),
      "'id' is a string, expected a number",
    );
  });

  it('holds the list convention, items included', () => {
    const list = { items: [todo], total: 1 };
    assert.equal(shapeMismatch(list, { items: [], total: 0 }), undefined);
    assert.equal(shapeMismatch(list, [todo]), 'the body is a list, expected an object with items, total');
    assert.equal(shapeMismatch(list, { items: [todo] }), "'total' is missing");
    assert.equal(
      shapeMismatch(list, { items: [{ ...todo, done: 'no' }], total: 1 }),
      "'items[0].done' is a string, expected a boolean",
    );
    assert.equal(
      shapeMismatch({ items: ['North'] }, { items: 'North' }),
      "'items' is a string, expected a list",
    );
  });

  it('holds a map keyed by data the requests sent to its value type, not to its keys', () => {
    const words = dataWords([{ name: 'Ski trip', members: ['Ada', 'Bob', 'Cy'] }, null]);
    const example = { balances: { Ada: 20000, Bob: -10000, Cy: -10000 }, settlements: [] };
    assert.equal(
      shapeMismatch(example, { balances: { Ada: 5, Dee: -5 }, settlements: [] }, '', 0, words),
      undefined,
    );
    assert.equal(shapeMismatch(example, { balances: {}, settlements: [] }, '', 0, words), undefined);
    assert.equal(
      shapeMismatch(example, { balances: { Ada: '5' }, settlements: [] }, '', 0, words),
      "'balances.Ada' is a string, expected a number",
    );
    assert.equal(
      shapeMismatch(example, { balances: [['Ada', 5]], settlements: [] }, '', 0, words),
      "'balances' is a list, expected an object with Ada, Bob, Cy",
    );
    // Without the requests' words the same keys are named fields, as before.
    assert.equal(
      shapeMismatch(example, { balances: { Ada: 5 }, settlements: [] }),
      "'balances.Bob' is missing",
    );
  });

  it('keeps named fields that only partly match request data as named fields', () => {
    const words = dataWords([{ title: 'Ada' }]);
    assert.equal(shapeMismatch({ Ada: 1, id: 2 }, { Ada: 1 }, '', 0, words), "'id' is missing");
  });

  it('recognises examples that stand for a file', () => {
    assert.ok(isNonJsonExample({ body: '<binary image>' }));
    assert.ok(!isNonJsonExample({ body: 'text' }));
    assert.ok(!isNonJsonExample({}));
  });
});
