import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { type Message, StreamMessageReader } from 'vscode-jsonrpc/node';
import { FramedMessageWriter } from '../../daemon/framed-message-writer';

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
    const chunks: Buffer[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    });
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
});
