import assert from 'node:assert/strict';
import { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { type ClaimDeps, claimWorkspace } from '../../daemon/claim-workspace';
import { createLogger } from '../../daemon/logger';
import type { Ownership, OwnershipOptions } from '../../daemon/owner-or-relay';
import type { RelayEnd } from '../../daemon/relay';
import { socketPathFor } from '../../daemon/workspace-lock';

const HOLDER = { pid: 4242, socket: '/tmp/appgen-holder.sock', startedAt: '2026-03-01T09:00:00.000Z' };

/** Runs `claimWorkspace` with `ownership` as the lock's answer; records what it did with it. */
async function claimWith(ownership: Ownership, relayEnd: RelayEnd = 'client') {
  const lines: string[] = [];
  const asked: OwnershipOptions[] = [];
  const relayed: Array<{ socket: Socket; input: unknown; output: unknown }> = [];
  const listened: Array<{ path: string; pid: number }> = [];
  const input = new PassThrough();
  const output = new PassThrough();
  const deps: ClaimDeps<string> = {
    ownOrRelay: async (options) => {
      asked.push(options);
      return ownership;
    },
    relay: async (socket, from, to) => {
      relayed.push({ socket, input: from, output: to });
      return relayEnd;
    },
    listen: async (path, pid) => {
      listened.push({ path, pid });
      return 'listening';
    },
  };
  const claim = await claimWorkspace(
    {
      workspace: '/ws',
      stateDir: '/ws/.appgen',
      pid: 1234,
      input,
      output,
      log: createLogger((line) => lines.push(line)),
      now: () => new Date('2026-03-01T10:00:00.000Z'),
    },
    deps,
  );
  return { claim, lines, asked, relayed, listened, input, output };
}

describe('claimWorkspace (owner or relay at start)', () => {
  it('asks for the lock with its pid, its socket and its start time', async () => {
    const { asked } = await claimWith({ kind: 'owner', release: async () => undefined });
    assert.equal(asked.length, 1);
    assert.deepEqual(asked[0]!.info, {
      pid: 1234,
      socket: socketPathFor('/ws'),
      startedAt: '2026-03-01T10:00:00.000Z',
    });
    assert.equal(asked[0]!.workspace, '/ws');
    assert.equal(asked[0]!.stateDir, '/ws/.appgen');
  });

  it('as the owner, listens on the workspace socket and keeps the lock to release', async () => {
    let released = 0;
    const { claim, listened, relayed } = await claimWith({
      kind: 'owner',
      release: async () => {
        released++;
      },
    });
    assert.equal(claim.kind, 'owner');
    assert.deepEqual(listened, [{ path: socketPathFor('/ws'), pid: 1234 }]);
    assert.deepEqual(relayed, []);
    if (claim.kind !== 'owner') return;
    assert.equal(claim.socket, 'listening');
    await claim.release();
    assert.equal(released, 1);
  });

  it("hands its client over to the owner's socket, and says when the owner closed first", async () => {
    const socket = new Socket();
    const { claim, relayed, listened, lines, input, output } = await claimWith(
      { kind: 'relay', socket, holder: HOLDER },
      'daemon',
    );
    assert.deepEqual(claim, { kind: 'relayed', end: 'daemon' });
    assert.equal(relayed.length, 1);
    assert.equal(relayed[0]!.socket, socket);
    assert.equal(relayed[0]!.input, input);
    assert.equal(relayed[0]!.output, output);
    assert.deepEqual(listened, [], 'a relay opens no socket of its own');
    const said = lines.map((line) => JSON.parse(line) as { message: string; pid?: number });
    assert.deepEqual(
      said.map(({ message, pid }) => ({ message, pid })),
      [{ message: 'the daemon serving this workspace closed the connection', pid: 4242 }],
    );
  });

  it('ends a relay its client closed without a word', async () => {
    const { claim, lines } = await claimWith(
      { kind: 'relay', socket: new Socket(), holder: HOLDER },
      'client',
    );
    assert.deepEqual(claim, { kind: 'relayed', end: 'client' });
    assert.deepEqual(lines, []);
  });

  it('passes a refusal on as it is, neither listening nor relaying', async () => {
    const message = 'workspace /ws is in use by another AppGen process (pid 4242) that does not answer';
    const { claim, listened, relayed } = await claimWith({ kind: 'refused', message });
    assert.deepEqual(claim, { kind: 'refused', message });
    assert.deepEqual([listened, relayed], [[], []]);
  });
});
