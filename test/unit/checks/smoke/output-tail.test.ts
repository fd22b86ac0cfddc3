import assert from 'node:assert/strict';
import { OutputTail } from '../../../../daemon/checks/smoke/output-tail';

describe('smoke output tail', () => {
  it('keeps the last bytes up to its limit and counts the rest', () => {
    const tail = new OutputTail(10);
    tail.push(Buffer.from('abcdef'));
    tail.push(Buffer.from('ghijkl'));
    assert.equal(tail.text(), 'cdefghijkl');
    assert.equal(tail.dropped, 2);
    tail.push(Buffer.from('0123456789ABC'));
    assert.equal(tail.text(), '3456789ABC');
    assert.equal(tail.keptBytes, 10);
    assert.equal(tail.dropped, 15);
  });

  it('stays within its limit whatever it is given', () => {
    const tail = new OutputTail(64 * 1024);
    const line = Buffer.from(`${'x'.repeat(1023)}\n`);
    for (let i = 0; i < 10_000; i++) tail.push(line);
    assert.equal(tail.keptBytes, 64 * 1024);
    assert.equal(tail.dropped, 10_000 * 1024 - 64 * 1024);
  });

  it('gives the last non-empty lines, each cut to 300 characters', () => {
    const tail = new OutputTail();
    tail.push(Buffer.from(`one\n\ntwo\n${'y'.repeat(400)}\nlast\n`));
    assert.deepEqual(tail.lastLines(3).split('\n'), ['two', `${'y'.repeat(300)}…`, 'last']);
  });
});
