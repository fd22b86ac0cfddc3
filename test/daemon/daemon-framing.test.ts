/**
 * Malformed JSON-RPC frames on the daemon's stdin: each is answered with a parse error (id null)
 * and logged, and the daemon goes on to answer the next well-formed request. One bad frame never
 * silences the daemon.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as P from '../../shared/protocol';
import { type DaemonProcess, spawnDaemon } from '../support/daemon-process';
import { within } from '../support/generation-harness';

interface RawResponse {
  id: unknown;
  error?: { code: number; message: string };
}

/** Every frame on the daemon's stdout so far, parsed. */
function responses(daemon: DaemonProcess): RawResponse[] {
  const raw = daemon.stdout();
  const found: RawResponse[] = [];
  let offset = 0;
  for (;;) {
    const headerEnd = raw.indexOf('\r\n\r\n', offset);
    if (headerEnd < 0) return found;
    const length = Number(/Content-Length: (\d+)/i.exec(raw.subarray(offset, headerEnd).toString())?.[1]);
    const body = raw.subarray(headerEnd + 4, headerEnd + 4 + length);
    if (body.length < length) return found;
    found.push(JSON.parse(body.toString('utf8')) as RawResponse);
    offset = headerEnd + 4 + length;
  }
}

const request = JSON.stringify({ jsonrpc: '2.0', id: 900, method: 'daemon/status', params: {} });

const MALFORMED: [string, string][] = [
  ['a header without Content-Length', `Content-Type: application/json\r\n\r\n${request}`],
  ['a negative Content-Length', `Content-Length: -5\r\n\r\n${request}`],
  ['a non-numeric Content-Length', `Content-Length: abc\r\n\r\n${request}`],
  ['a Content-Length shorter than its body', `Content-Length: 10\r\n\r\n${request}`],
  ['a body that is not JSON', 'Content-Length: 5\r\n\r\nhello'],
  ['JSON with no header at all', `${request}\n`],
  ['a header line without a colon', `Content-Length 60\r\n\r\n${request}`],
];

describe('daemon: malformed JSON-RPC frames', () => {
  let daemon: DaemonProcess | undefined;
  afterEach(async () => {
    await daemon?.kill();
    daemon = undefined;
  });

  for (const [shape, bytes] of MALFORMED) {
    it(`answers a parse error for ${shape}, then answers the next request`, async () => {
      daemon = spawnDaemon();
      await daemon.initialize();
      daemon.child.stdin!.write(bytes);
      const status = await within(
        daemon.connection.sendRequest(P.StatusRequest, {}),
        10_000,
        `an answer after ${shape}`,
      );
      assert.equal(status.pid, daemon.child.pid);
      const parseErrors = responses(daemon).filter((r) => r.id === null && r.error?.code === -32700);
      assert.equal(parseErrors.length, 1, `one parse error for ${shape}: ${daemon.stdout().toString()}`);
      assert.ok(!responses(daemon).some((r) => r.id === 900), 'nothing is made up from the bad frame');
      assert.match(daemon.stderr(), /"level":"warn","message":"malformed JSON-RPC frame/);
    });
  }

  it('answers every request that follows several bad frames split across writes', async () => {
    daemon = spawnDaemon();
    await daemon.initialize();
    const junk = MALFORMED.map(([, bytes]) => bytes).join('');
    // Cut into small pieces, as a pipe may deliver them.
    for (let i = 0; i < junk.length; i += 7) {
      if (!daemon.child.stdin!.write(junk.slice(i, i + 7))) await once(daemon.child.stdin!, 'drain');
    }
    const answers = await within(
      Promise.all([1, 2, 3].map(() => daemon!.connection.sendRequest(P.StatusRequest, {}))),
      10_000,
      'three answers after the bad frames',
    );
    assert.equal(answers.length, 3);
    assert.ok(responses(daemon).some((r) => r.id === null && r.error?.code === -32700));
  });
});
