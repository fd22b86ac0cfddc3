import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ResponseError } from 'vscode-jsonrpc';
import * as P from '../../shared/protocol';
import { type DaemonProcess, spawnDaemon } from '../support/daemon-process';

/** Splits raw stdout into Content-Length frames; throws on anything that is not a frame. */
function parseFrames(raw: Buffer): unknown[] {
  const messages: unknown[] = [];
  let offset = 0;
  while (offset < raw.length) {
    const headerEnd = raw.indexOf('\r\n\r\n', offset);
    assert.ok(headerEnd > 0, `stdout has bytes that are not a frame header at ${offset}`);
    const header = raw.subarray(offset, headerEnd).toString('ascii');
    const match = /^Content-Length: (\d+)(\r\nContent-Type: [^\r]+)?$/i.exec(header);
    assert.ok(match, `stdout header is not a JSON-RPC frame header: ${JSON.stringify(header)}`);
    const length = Number(match[1]);
    const body = raw.subarray(headerEnd + 4, headerEnd + 4 + length);
    assert.equal(body.length, length, 'frame body cut short');
    const message = JSON.parse(body.toString('utf8')) as { jsonrpc: string };
    assert.equal(message.jsonrpc, '2.0');
    messages.push(message);
    offset = headerEnd + 4 + length;
  }
  return messages;
}

describe('daemon process', () => {
  let daemon: DaemonProcess | undefined;
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
  });

  it('answers initialize with the protocol version, workspace and queue settings', async () => {
    daemon = spawnDaemon({ env: { GENERATION_MAX_CONCURRENT: '3' } });
    const result = await daemon.initialize();
    assert.equal(result.protocolVersion, 1);
    assert.equal(typeof result.daemonVersion, 'string');
    assert.equal(result.workspace, daemon.workspace);
    assert.deepEqual(result.queue, { enabled: true, maxConcurrent: 3 });
    assert.match(daemon.stderr(), /Generation queue enabled with max_concurrent=3/);
  });

  it('lets initialize config win over the environment, by env name or camelCase', async () => {
    daemon = spawnDaemon({ env: { GENERATION_MAX_CONCURRENT: '3' } });
    const first = await daemon.initialize({ config: { GENERATION_MAX_CONCURRENT: 7 } });
    assert.deepEqual(first.queue, { enabled: true, maxConcurrent: 7 });
    const second = await daemon.initialize({ config: { useQueue: 'false', maxConcurrent: 2 } });
    assert.deepEqual(second.queue, { enabled: false, maxConcurrent: 2 });
    const status = await daemon.connection.sendRequest(P.StatusRequest, {});
    assert.deepEqual(status.queue, { enabled: false, maxConcurrent: 2 });
    assert.equal(status.queued, 0);
    assert.equal(status.running, 0);
  });

  it('refuses a bad initialize config with invalid params naming the setting', async () => {
    daemon = spawnDaemon();
    await assert.rejects(
      daemon.initialize({ config: { GENERATION_MAX_CONCURRENT: 'abc' } }),
      (error: ResponseError<unknown>) =>
        error.code === -32602 && /GENERATION_MAX_CONCURRENT/.test(error.message) && /abc/.test(error.message),
    );
    const status = await daemon.connection.sendRequest(P.StatusRequest, {});
    assert.equal(status.queue.maxConcurrent, 4, 'a refused config changes nothing');
  });

  it('refuses to start on an invalid environment value and says why', async () => {
    daemon = spawnDaemon({ env: { GENERATION_MAX_CONCURRENT: 'abc' } });
    const code = await daemon.exited;
    assert.notEqual(code, 0);
    assert.match(daemon.stderr(), /GENERATION_MAX_CONCURRENT must be an integer.*"abc"/);
    assert.equal(daemon.stdout().length, 0, 'nothing on stdout');
  });

  it('reports an unknown command-line argument', async () => {
    daemon = spawnDaemon({ args: ['--stdio', '--bogus'] });
    assert.notEqual(await daemon.exited, 0);
    assert.match(daemon.stderr(), /unknown argument "--bogus"/);
  });

  it('exits with code 0 after daemon/shutdown, having answered it', async () => {
    daemon = spawnDaemon();
    await daemon.initialize();
    assert.deepEqual(await daemon.connection.sendRequest(P.ShutdownRequest, {}), {});
    assert.equal(await daemon.exited, 0);
  });

  it('exits when stdin closes', async () => {
    daemon = spawnDaemon();
    await daemon.initialize();
    daemon.child.stdin!.end();
    assert.equal(await daemon.exited, 0);
  });

  it('writes nothing but JSON-RPC frames to stdout and logs JSON lines to stderr', async () => {
    daemon = spawnDaemon();
    await daemon.initialize();
    await daemon.connection.sendRequest(P.StatusRequest, {});
    await daemon.connection.sendRequest(P.TemplatesListRequest, {}).catch(() => undefined);
    await daemon.connection.sendRequest(P.ShutdownRequest, {});
    await daemon.exited;
    const frames = parseFrames(daemon.stdout());
    assert.ok(frames.length >= 3);
    const lines = daemon.stderr().trim().split('\n');
    for (const line of lines) {
      const entry = JSON.parse(line) as { level: string; message: string; time: string };
      assert.ok(entry.message && entry.level, `log line has level and message: ${line}`);
      assert.match(entry.time, /Z$/);
    }
  });

  it('has a handler for every request of the protocol', async () => {
    daemon = spawnDaemon();
    await daemon.initialize();
    for (const request of P.ALL_REQUESTS) {
      if (request.method === 'daemon/shutdown') continue;
      try {
        await daemon.connection.sendRequest(request.method, {});
      } catch (error) {
        assert.notEqual((error as ResponseError<unknown>).code, -32601, `${request.method} has no handler`);
      }
    }
  });

  it('creates the history database in the workspace', async () => {
    daemon = spawnDaemon();
    await daemon.initialize();
    await daemon.connection.sendRequest(P.ShutdownRequest, {});
    await daemon.exited;
    assert.ok(existsSync(join(daemon.workspace, '.appgen', 'history.sqlite')));
  });
});
