import { strict as assert } from 'node:assert';
import { hasOwnNumber, requirementItems } from '../../../daemon/prompts/requirement-list';

describe('requirement numbers', () => {
  it('sees a list number wherever it stands', () => {
    for (const text of [
      '1. Task model',
      '12) Users log in',
      '(3) Export as CSV',
      '1.2. Sub-requirement',
      '**4.** Bold number',
      'a) First option',
      '(b) Second option',
      'iv. Roman',
      'II) Roman capitals',
    ]) {
      assert.ok(hasOwnNumber(text, 1), text);
    }
  });

  it('sees a labelled number when it is the requirement position', () => {
    for (const text of [
      'Step 2: Add users',
      'Requirement 2 - Export',
      'REQ-2: Login',
      '#2 Search',
      '2: Search',
      'US-2. Story',
      'R2) Rate',
    ]) {
      assert.ok(hasOwnNumber(text, 2), text);
      assert.ok(!hasOwnNumber(text, 1), `${text} as the first requirement`);
    }
  });

  it('takes no number in ordinary text', () => {
    for (const text of [
      '2FA login with a one-time code',
      '1.5 GB uploads at most',
      '3 users may share a list',
      '24/7 availability',
      'A user can sign up',
      'Items are sorted by date',
      'Step by step wizard',
      '10 - 20 items per page',
    ]) {
      assert.ok(!hasOwnNumber(text, 1), text);
    }
  });

  it('numbers requirements by position, trimmed, leaving out empty ones', () => {
    assert.deepEqual(
      requirementItems(['  first ', '', '2. second', '   ', 'Step 3: third', 'Step 1: fourth']),
      [
        { number: 1, text: 'first', numbered: false },
        { number: 2, text: '2. second', numbered: true },
        { number: 3, text: 'Step 3: third', numbered: true },
        { number: 4, text: 'Step 1: fourth', numbered: false },
      ],
    );
  });
});
