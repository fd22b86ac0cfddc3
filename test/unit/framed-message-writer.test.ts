import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { type Message, StreamMessageReader } from 'vscode-jsonrpc/node';
import { FramedMessageWriter, NOTIFICATION_BACKLOG_BYTES } from '../../daemon/framed-message-writer';

/** A stream that holds what is written until `drain()` lets it go, like a pipe nobody reads. */
function slowStream(): { stream: Writable; sent: Buffer[]; drain: () => void } {
  const sent: Buffer[] = [];
  let pending: (() => void) | undefined;
  const stream = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      sent.push(chunk);
      pending = callback;
    },
  });
  return {
    stream,
    sent,
    // Lets every chunk the stream holds go, as a reader that caught up would.
    drain: () => {
      while (pending) {
        const callback = pending;
        pending = undefined;
        callback();
      }
    },
  };
}

/** A stream that takes every chunk at once and keeps it. */
function collectingStream(): { stream: Writable; chunks: Buffer[] } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { stream, chunks };
}

function notification(i: number): Message {
  return {
    jsonrpc: '2.0',
    method: 'generation/changed',
    params: { id: `job-${i}`, pad: 'x'.repeat(500) },
  } as Message;
}

/** The JSON-RPC messages in the bytes, in order. */
function framesIn(chunks: Buffer[]): Array<{ id?: number; params?: { id: string } }> {
  return Buffer.concat(chunks)
    .toString('utf8')
    .split(/Content-Length: \d+\r\n\r\n/)
    .filter((part) => part !== '')
    .map((part) => JSON.parse(part));
}

describe('FramedMessageWriter', () => {
  it("frames messages so that vscode-jsonrpc's reader reads them back in order, non-ASCII text included", async () => {
    const stream = new PassThrough();
    const writer = new FramedMessageWriter(stream);
    const messages: Message[] = [
      { jsonrpc: '2.0', id: 1, result: { text: 'plain' } } as Message,
      {
        jsonrpc: '2.0',
        method: 'generation/changed',
        params: { model: 'vendor/modèle-ü', note: '✅ 日本' },
      } as Message,
      { jsonrpc: '2.0', id: 2, result: null } as Message,
    ];
    const reader = new StreamMessageReader(stream);
    const received: Message[] = [];
    const all = new Promise<void>((resolve) => {
      reader.listen((message) => {
        received.push(message);
        if (received.length === messages.length) resolve();
      });
    });
    for (const message of messages) await writer.write(message);
    await all;
    assert.deepEqual(received, messages);
    reader.dispose();
  });

  it('hands each message to the stream when it is written, not after the messages queued before it', () => {
    const { stream, chunks } = collectingStream();
    const writer = new FramedMessageWriter(stream);
    for (let i = 0; i < 100_000; i++) {
      void writer.write({
        jsonrpc: '2.0',
        method: 'generation/changed',
        params: { id: `job-${i}` },
      } as Message);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    assert.equal(
      text.split('Content-Length: ').length - 1,
      100_000,
      'every message is in the stream already',
    );
    assert.ok(text.endsWith('{"jsonrpc":"2.0","method":"generation/changed","params":{"id":"job-99999"}}'));
  });

  it('lets a reply overtake a flood of notifications, which keep their order and all go out as the stream drains', async () => {
    const { stream, sent, drain } = slowStream();
    const writer = new FramedMessageWriter(stream);
    const count = Math.ceil((3 * NOTIFICATION_BACKLOG_BYTES) / 500);
    for (let i = 0; i < count; i++) void writer.write(notification(i));
    void writer.write({ jsonrpc: '2.0', id: 7, result: { cancelled: count } } as Message);
    // The stream was handed the first megabyte or so, then the reply; the rest waits.
    let idle = false;
    void writer.idle().then(() => {
      idle = true;
    });
    while (!idle) {
      drain();
      await new Promise((resolve) => setImmediate(resolve));
    }
    drain();
    const frames = framesIn(sent);
    const replyAt = frames.findIndex((frame) => frame.id === 7);
    assert.ok(replyAt > 0 && replyAt < count / 2, `the reply came at ${replyAt} of ${frames.length}`);
    assert.deepEqual(
      frames.filter((frame) => frame.params).map((frame) => frame.params!.id),
      Array.from({ length: count }, (_, i) => `job-${i}`),
      'every notification, in order',
    );
  });

  it('writes notifications in order with replies when nothing piles up', async () => {
    const { stream, chunks } = collectingStream();
    const writer = new FramedMessageWriter(stream);
    await writer.write(notification(1));
    await writer.write({ jsonrpc: '2.0', id: 1, result: null } as Message);
    await writer.write(notification(2));
    assert.deepEqual(
      framesIn(chunks).map((frame) => frame.id ?? frame.params?.id),
      ['job-1', 1, 'job-2'],
    );
  });

  it('ends the stream only once the waiting notifications are handed to it', async () => {
    const { stream, sent, drain } = slowStream();
    const writer = new FramedMessageWriter(stream);
    const count = Math.ceil((2 * NOTIFICATION_BACKLOG_BYTES) / 500);
    for (let i = 0; i < count; i++) void writer.write(notification(i));
    let finished = false;
    stream.on('finish', () => {
      finished = true;
    });
    writer.end();
    while (!finished) {
      drain();
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(framesIn(sent).length, count);
  });
});
