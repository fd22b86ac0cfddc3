import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { type NotificationMessage, StreamMessageWriter } from 'vscode-jsonrpc/node';
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

  it("sends the JSON-RPC writer's messages of one turn, headers and bodies, as one write", async () => {
    const { target, writes } = recordingTarget();
    const writer = new StreamMessageWriter(new TickBatchedWritable(target));
    // The writer waits for each write's callback before the next: held callbacks would make every
    // header and every body a write of its own.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        writer.write({ jsonrpc: '2.0', method: 'note', params: { i } } as NotificationMessage),
      ),
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(writes.length, 1, `one write, not ${writes.length}`);
    const frames = writes[0]!.split('Content-Length: ').slice(1);
    assert.equal(frames.length, 10);
    assert.match(frames[9]!, /"i":9/);
  });

  it('holds the writer back while its target is backed up, then goes on once it drains', async () => {
    const callbacks: Array<() => void> = [];
    const target = new Writable({
      highWaterMark: 4,
      write(_chunk, _encoding, callback) {
        callbacks.push(() => callback());
      },
    });
    const batched = new TickBatchedWritable(target);
    batched.write('first');
    await new Promise((resolve) => setImmediate(resolve)); // flushed: the target is now full
    let acknowledged = false;
    batched.write('second', () => {
      acknowledged = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(acknowledged, false, 'not acknowledged while the target needs a drain');
    // The target takes its writes one by one ("first", then "second"), then drains.
    while (callbacks.length > 0) {
      for (const done of callbacks.splice(0)) done();
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(acknowledged, true);
  });

  it('writes what waits at once on flush', () => {
    const { target, writes } = recordingTarget();
    const batched = new TickBatchedWritable(target);
    batched.write('last words');
    batched.flush();
    assert.deepEqual(writes, ['last words']);
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
