import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { ResponseBudget, ResponseTooLargeError } from '../../../daemon/openrouter/response-budget';
import { readBodyText } from '../../../daemon/openrouter/response-text';

describe('readBodyText', () => {
  it('decodes a character split across chunks', async () => {
    const body = new PassThrough();
    const reading = readBodyText(body);
    const bytes = Buffer.from('héllo');
    body.write(bytes.subarray(0, 2));
    body.end(bytes.subarray(2));
    assert.deepEqual(await reading, { text: 'héllo', bytes: 6, whole: true });
  });

  it('stops when told to, without waiting for a body that stays open, and keeps nothing after', async () => {
    const body = new PassThrough();
    const reading = readBodyText(body, { onPiece: (piece) => !piece.includes('[DONE]') });
    body.write('data: a\n\n');
    body.write('data: [DONE]\n\n');
    body.write('data: late\n\n');
    assert.equal((await reading).text, 'data: a\n\ndata: [DONE]\n\n');
    // The caller then destroys the body; the error that produces is not an unhandled one.
    body.destroy(new Error('aborted by the reader'));
  });

  it('reads to the end when the end comes in the same turn as the last piece', async () => {
    const body = new PassThrough();
    let pieces = 0;
    const reading = readBodyText(body, {
      onPiece: () => {
        pieces += 1;
        return false;
      },
    });
    body.end('all of it');
    assert.equal((await reading).text, 'all of it');
    assert.equal(body.readableEnded, true, 'the body was read to its end, so its connection stays usable');
    assert.equal(pieces, 1);
  });

  it('rejects when the body fails midway', async () => {
    const body = new PassThrough();
    const reading = readBodyText(body);
    body.write('half');
    body.destroy(new Error('socket hang up'));
    await assert.rejects(reading, /socket hang up/);
  });

  it('rejects when the body closes before its end', async () => {
    const body = new PassThrough();
    const reading = readBodyText(body);
    body.write('half');
    body.destroy();
    await assert.rejects(reading, /closed before the end/);
  });

  it('keeps only the head it is asked to, and counts every byte', async () => {
    const body = new PassThrough();
    const reading = readBodyText(body, { keepChars: 4 });
    body.write('abc');
    body.end('defgh');
    assert.deepEqual(await reading, { text: 'abcd', bytes: 8, whole: false });
  });

  it('stops at once when the budget is exceeded, with the head kept so far', async () => {
    const body = new PassThrough();
    const budget = new ResponseBudget(10);
    const reading = readBodyText(body, { budget, keepChars: 6 });
    body.write('0123456789');
    body.write('x');
    const error = await reading.then(
      () => assert.fail('expected the read to stop'),
      (thrown: unknown) => thrown,
    );
    assert.ok(error instanceof ResponseTooLargeError);
    assert.equal(error.maxBytes, 10);
    assert.equal(error.receivedBytes, 11);
    assert.equal(error.head, '012345');
    body.destroy();
  });

  it('lets a piece reader give bytes back, so that only what it keeps counts', async () => {
    const body = new PassThrough();
    const budget = new ResponseBudget(10);
    const reading = readBodyText(body, {
      budget,
      onPiece: (piece) => {
        budget.refund(piece.length);
        return true;
      },
    });
    for (let i = 0; i < 5; i++) body.write('0123456789');
    body.end();
    assert.equal((await reading).bytes, 50);
  });
});
