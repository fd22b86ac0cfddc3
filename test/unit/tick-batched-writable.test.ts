import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { TickBatchedWritable } from '../../daemon/tick-batched-writable';

/** A target that records each write it is given. */
function recordingTarget(): { target: Writable; writes: string[] } {
  const writes: string[] = [];
  const target = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writes.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { target, writes };
}

const drained = (stream: Writable) =>
  new Promise<void>((resolve, reject) =>
    stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );

describe('TickBatchedWritable', () => {
  it('passes the writes of one tick to the target as one write, in order', async () => {
    const { target, writes } = recordingTarget();
    const batched = new TickBatchedWritable(target);
    batched.write('Content-Length: 2\r\n\r\n', 'ascii');
    batched.write(Buffer.from('{}'));
    batched.write('é');
    assert.deepEqual(writes, [], 'nothing is written before the tick ends');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(writes, ['Content-Length: 2\r\n\r\n{}é']);
    await drained(batched);
  });

  it('writes the next tick separately and calls every write callback', async () => {
    const { target, writes } = recordingTarget();
    const batched = new TickBatchedWritable(target);
    let called = 0;
    batched.write('a', () => called++);
    await new Promise((resolve) => setImmediate(resolve));
    batched.write('b', () => called++);
    batched.write('c', () => called++);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(writes, ['a', 'bc']);
    assert.equal(called, 3);
    await drained(batched);
  });

  it('fails when its target fails', async () => {
    const target = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('EPIPE'));
      },
    });
    const batched = new TickBatchedWritable(target);
    const failed = new Promise<Error>((resolve) => batched.once('error', resolve));
    batched.write('x');
    assert.match((await failed).message, /EPIPE/);
  });
});
