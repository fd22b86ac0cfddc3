import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { readBodyText } from '../../../daemon/openrouter/response-text';

describe('readBodyText', () => {
  it('decodes a character split across chunks', async () => {
    const body = new PassThrough();
    const reading = readBodyText(body);
    const bytes = Buffer.from('héllo');
    body.write(bytes.subarray(0, 2));
    body.end(bytes.subarray(2));
    assert.equal(await reading, 'héllo');
  });

  it('stops when told to, without waiting for a body that stays open, and keeps nothing after', async () => {
    const body = new PassThrough();
    const reading = readBodyText(body, (piece) => !piece.includes('[DONE]'));
    body.write('data: a\n\n');
    body.write('data: [DONE]\n\n');
    body.write('data: late\n\n');
    assert.equal(await reading, 'data: a\n\ndata: [DONE]\n\n');
    // The caller then destroys the body; the error that produces is not an unhandled one.
    body.destroy(new Error('aborted by the reader'));
  });

  it('reads to the end when the end comes in the same turn as the last piece', async () => {
    const body = new PassThrough();
    let pieces = 0;
    const reading = readBodyText(body, () => {
      pieces += 1;
      return false;
    });
    body.end('all of it');
    assert.equal(await reading, 'all of it');
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
});
