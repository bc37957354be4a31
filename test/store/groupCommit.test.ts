import { describe, expect, it } from 'vitest';
import type { AppendResult, Checkpoint } from '../../src/store/eventStore.js';
import { GroupCommit, type PendingAppend } from '../../src/store/postgres/groupCommit.js';

function appendTo(streamId: string, events = 1) {
  let settled: AppendResult | Error | undefined;
  const append: PendingAppend = {
    streamId,
    events: Array.from({ length: events }, (_, i) => ({
      id: `${streamId}-${i}`,
      type: 'E',
      schemaVersion: 1,
      dataJson: '{}',
      metadataJson: '{}',
    })),
    expected: 'any',
    resolve: (result) => {
      settled = result;
    },
    reject: (error) => {
      settled = error as Error;
    },
  };
  return { append, settled: () => settled };
}

const ok = { nextRevision: 0n, position: '0' as Checkpoint };

describe('GroupCommit', () => {
  it('appends submitted while a commit is in flight share the next commit', async () => {
    const batches: string[][] = [];
    let release: () => void = () => {};
    const group = new GroupCommit(async (batch) => {
      batches.push(batch.map((a) => a.streamId));
      if (batches.length === 1) await new Promise<void>((done) => (release = done));
      for (const a of batch) a.resolve(ok);
    });
    group.submit(appendTo('a').append);
    await Promise.resolve();
    await Promise.resolve();
    for (const id of ['b', 'c', 'd']) group.submit(appendTo(id).append);
    release();
    await group.idle();
    expect(batches).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('holds one append per stream in a batch, keeping each stream in submission order', async () => {
    const batches: string[][] = [];
    const names = new Map<PendingAppend, string>();
    const group = new GroupCommit(async (batch) => {
      batches.push(batch.map((a) => names.get(a)!));
      for (const a of batch) a.resolve(ok);
    });
    const submissions: Array<[string, string]> = [
      ['x', 'x1'],
      ['y', 'y1'],
      ['x', 'x2'],
      ['x', 'x3'],
      ['y', 'y2'],
    ];
    for (const [streamId, name] of submissions) {
      const { append } = appendTo(streamId);
      names.set(append, name);
      group.submit(append);
    }
    await group.idle();
    expect(batches).toEqual([['x1', 'y1'], ['x2', 'y2'], ['x3']]);
  });

  it('caps a batch by events, but always takes at least one append', async () => {
    const sizes: number[] = [];
    const group = new GroupCommit(async (batch) => {
      sizes.push(batch.reduce((n, a) => n + a.events.length, 0));
      for (const a of batch) a.resolve(ok);
    }, 10);
    group.submit(appendTo('big', 25).append);
    for (const id of ['a', 'b', 'c']) group.submit(appendTo(id, 4).append);
    await group.idle();
    expect(sizes).toEqual([25, 8, 4]);
  });

  it('a commit that throws rejects its own batch only', async () => {
    let calls = 0;
    const group = new GroupCommit(async (batch) => {
      calls++;
      if (calls === 1) throw new Error('disk on fire');
      for (const a of batch) a.resolve(ok);
    });
    const first = appendTo('a');
    group.submit(first.append);
    await group.idle();
    const second = appendTo('a');
    group.submit(second.append);
    await group.idle();
    expect((first.settled() as Error).message).toBe('disk on fire');
    expect(second.settled()).toEqual(ok);
  });
});

describe('GroupCommit with several commits in flight', () => {
  it('shares a queue among the free slots, and never puts a stream in flight into another batch', async () => {
    const batches: string[][] = [];
    const releases: Array<() => void> = [];
    const group = new GroupCommit(
      async (batch) => {
        batches.push(batch.map((a) => a.streamId));
        await new Promise<void>((done) => releases.push(done));
        for (const a of batch) a.resolve(ok);
      },
      5_000,
      2,
    );
    for (const id of ['a', 'b', 'c', 'd']) group.submit(appendTo(id).append);
    await new Promise((done) => setTimeout(done, 0));
    expect(batches).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    group.submit(appendTo('a').append);
    group.submit(appendTo('e').append);
    await new Promise((done) => setTimeout(done, 0));
    expect(batches).toHaveLength(2); // both slots busy: the next batch waits
    releases[1]!(); // c and d done: e may go, a must wait for the first batch
    await new Promise((done) => setTimeout(done, 0));
    expect(batches[2]).toEqual(['e']);
    releases[0]!();
    await new Promise((done) => setTimeout(done, 0));
    expect(batches[3]).toEqual(['a']);
    for (const release of releases.slice(2)) release();
    await group.idle();
  });
});
