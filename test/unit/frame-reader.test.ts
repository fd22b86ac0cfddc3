import { strict as assert } from 'node:assert';
import { PassThrough } from 'node:stream';
import {
  type BadFrame,
  FramedMessageReader,
  type FrameEvent,
  FrameParser,
  INVALID_REQUEST,
  PARSE_ERROR,
} from '../../daemon/frame-reader';

const message = (id: number) => ({ jsonrpc: '2.0', id, method: 'daemon/status', params: {} });

function frame(body: string, header = `Content-Length: ${Buffer.byteLength(body)}`): string {
  return `${header}\r\n\r\n${body}`;
}

const good = (id: number) => frame(JSON.stringify(message(id)));

/** Feeds `text` whole, or in pieces of `size` bytes, and returns every event. */
function parse(text: string | Buffer, size?: number, parser = new FrameParser()): FrameEvent[] {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  if (size === undefined) return parser.push(bytes);
  const events: FrameEvent[] = [];
  for (let i = 0; i < bytes.length; i += size) events.push(...parser.push(bytes.subarray(i, i + size)));
  return events;
}

/** Events in a compact form: a message's id, or "bad:<code>". */
function summary(events: FrameEvent[]): (number | string)[] {
  return events.map((event) =>
    event.kind === 'message' ? (event.message as { id: number }).id : `bad:${event.bad.code}`,
  );
}

const request = JSON.stringify(message(99));

/** Every malformed frame shape, each meant to cost exactly one parse error. */
const MALFORMED: [string, string][] = [
  ['no Content-Length', frame(request, 'Content-Type: application/json')],
  ['a negative Content-Length', frame(request, 'Content-Length: -5')],
  ['a non-numeric Content-Length', frame(request, 'Content-Length: abc')],
  ['a fractional Content-Length', frame(request, 'Content-Length: 1.5')],
  ['an empty Content-Length', frame(request, 'Content-Length:')],
  ['a Content-Length shorter than its body', frame(request, 'Content-Length: 10')],
  ['a body that is not JSON', frame('hello')],
  ['an empty body', frame('')],
  ['JSON with no header', `${request}\n`],
  ['a header line without a colon', frame(request, `Content-Length ${request.length}`)],
  ['a header line with a space in its name', frame(request, `Content Length: ${request.length}`)],
  ['header lines ended by \\n alone', `Content-Length: ${request.length}\n\n${request}`],
  ['plain text', 'hello daemon\n'],
];

describe('FrameParser', () => {
  it('reads one frame, and two frames that arrive in one chunk', () => {
    assert.deepEqual(summary(parse(good(1))), [1]);
    assert.deepEqual(summary(parse(good(1) + good(2))), [1, 2]);
    assert.deepEqual((parse(good(7))[0] as { message: unknown }).message, message(7));
  });

  it('reads frames split at every possible byte', () => {
    assert.deepEqual(summary(parse(good(1) + good(2) + good(3), 1)), [1, 2, 3]);
    for (let size = 2; size < 40; size += 3) {
      assert.deepEqual(summary(parse(good(1) + good(2), size)), [1, 2], `pieces of ${size}`);
    }
  });

  it('counts Content-Length in bytes, not characters', () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'x', params: { name: 'Zoë — ✓' } });
    const events = parse(frame(body), 3);
    assert.deepEqual(summary(events), [5]);
    assert.equal((events[0] as { message: { params: { name: string } } }).message.params.name, 'Zoë — ✓');
  });

  it('accepts a Content-Type line, header names in any case, and blank lines between frames', () => {
    const body = JSON.stringify(message(1));
    const typed = `content-length: ${body.length}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n${body}`;
    assert.deepEqual(summary(parse(`${typed}\r\n${good(2)}\r\n\r\n${good(3)}`)), [1, 2, 3]);
  });

  for (const [shape, bytes] of MALFORMED) {
    it(`reports ${shape} once as a parse error and reads the next frame`, () => {
      const whole = parse(bytes + good(1));
      assert.deepEqual(summary(whole), [`bad:${PARSE_ERROR}`, 1]);
      const bad = whole[0] as { bad: BadFrame };
      assert.ok(bad.bad.reason.length > 0);
      assert.deepEqual(summary(parse(bytes + good(1), 1)), [`bad:${PARSE_ERROR}`, 1], 'byte by byte');
      assert.deepEqual(summary(parse(bytes + good(1), 5)), [`bad:${PARSE_ERROR}`, 1], 'in fives');
    });
  }

  it('reads on after every malformed shape in a row, split in pieces', () => {
    const junk = MALFORMED.map(([, bytes]) => bytes + good(1)).join('');
    const events = parse(junk, 7);
    assert.equal(events.filter((event) => event.kind === 'message').length, MALFORMED.length);
    assert.equal(events.filter((event) => event.kind === 'bad').length, MALFORMED.length);
  });

  it('names the fault in its reason', () => {
    const reason = (bytes: string) => (parse(bytes)[0] as { bad: BadFrame }).bad.reason;
    assert.match(reason(MALFORMED[0]![1] + good(1)), /without Content-Length/);
    assert.match(reason(frame(request, 'Content-Length: -5')), /"-5".*not a non-negative integer/);
    assert.match(reason(frame('hello')), /not JSON/);
  });

  it('recovers the next frame when a Content-Length longer than its body swallowed it', () => {
    const short = '{"jsonrpc":"2.0"}';
    const events = parse(`${frame(short, `Content-Length: ${short.length + 20}`)}${good(1)}${good(2)}`);
    assert.deepEqual(summary(events), [`bad:${PARSE_ERROR}`, 1, 2]);
  });

  it('refuses a length above the limit instead of buffering it', () => {
    const parser = new FrameParser({ maxContentLength: 100 });
    const events = parse(`${frame('x'.repeat(10), 'Content-Length: 101')}${good(1)}`, undefined, parser);
    assert.deepEqual(summary(events), [`bad:${PARSE_ERROR}`, 1]);
    assert.match((events[0] as { bad: BadFrame }).bad.reason, /more than the 100 bytes/);
  });

  it('gives up on a header that never ends once it is longer than the limit', () => {
    const parser = new FrameParser({ maxHeaderBytes: 64 });
    assert.deepEqual(summary(parse(`X-Long: ${'a'.repeat(100)}`, 10, parser)), [`bad:${PARSE_ERROR}`]);
    assert.deepEqual(summary(parse(good(1), 10, parser)), [1]);
  });

  it('waits for the rest of a header and of a body without reporting anything', () => {
    const parser = new FrameParser();
    const bytes = good(1);
    assert.deepEqual(parser.push(Buffer.from(bytes.slice(0, 10))), []);
    assert.deepEqual(parser.push(Buffer.from(bytes.slice(10, bytes.length - 1))), []);
    assert.deepEqual(summary(parser.push(Buffer.from(bytes.slice(-1)))), [1]);
  });

  it('copies a large body arriving in pipe-sized chunks once, not once per chunk', () => {
    const data = 'a'.repeat(8 * 1024 * 1024);
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'x', params: { data } });
    const bytes = Buffer.from(frame(big) + good(2));
    let copied = 0;
    const parser = new FrameParser({}, (chunks, totalLength) => {
      copied += totalLength;
      return Buffer.concat(chunks, totalLength);
    });
    const events = parse(bytes, 64 * 1024, parser);
    assert.deepEqual(summary(events), [1, 2]);
    assert.equal(
      (events[0] as { message: { params: { data: string } } }).message.params.data.length,
      data.length,
    );
    // Joining the body on every chunk would copy about 64 times the body (half of 128 chunks).
    assert.ok(copied >= big.length, `the body is joined through the hook (copied ${copied})`);
    assert.ok(copied <= bytes.length, `copied ${copied} bytes for a stream of ${bytes.length}`);
  });

  it('answers a body that is JSON but not an object as an invalid request', () => {
    assert.deepEqual(summary(parse(frame('42') + good(1))), [`bad:${INVALID_REQUEST}`, 1]);
    const batch = parse(frame(`[${JSON.stringify(message(3))}]`) + good(1));
    assert.deepEqual(summary(batch), [`bad:${INVALID_REQUEST}`, 1]);
    assert.match((batch[0] as { bad: BadFrame }).bad.reason, /batch/);
  });
});

describe('FramedMessageReader', () => {
  it('hands messages to the callback, bad frames to onBadFrame, and closes when the stream ends', async () => {
    const stream = new PassThrough();
    const bad: BadFrame[] = [];
    const reader = new FramedMessageReader(stream, (frame) => bad.push(frame));
    const received: unknown[] = [];
    let closed = 0;
    reader.onClose(() => closed++);
    reader.listen((msg) => received.push(msg));
    stream.write(good(1).slice(0, 5));
    stream.write(`${good(1).slice(5)}Content-Length: x\r\n\r\n{}`);
    stream.write(good(2));
    stream.end();
    await new Promise((resolve) => stream.once('close', resolve));
    assert.deepEqual(received, [message(1), message(2)]);
    assert.equal(bad.length, 1);
    assert.equal(bad[0]!.code, PARSE_ERROR);
    assert.equal(closed, 1, 'closed once, though the stream both ended and closed');
  });
});
