import { WriteBatcher } from '../../src/persistence/write-batcher';

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((settle, fail) => {
    resolve = settle;
    reject = fail;
  });

  return { promise, resolve, reject };
}

/** A write function that records each batch and finishes when the test resolves it. */
function heldWrites() {
  const batches: string[][] = [];
  const pending: Deferred[] = [];
  const write = async (items: string[]): Promise<void[]> => {
    batches.push(items);
    const done = deferred();
    pending.push(done);

    await done.promise;

    return [];
  };

  return { batches, pending, write };
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

describe('WriteBatcher', () => {
  it('writes the first item at once and the ones that arrive meanwhile together', async () => {
    const writes = heldWrites();
    const sut = new WriteBatcher(writes.write, { maxBatch: 100, maxConcurrentWrites: 1 });

    const first = sut.add('a');
    const later = [sut.add('b'), sut.add('c'), sut.add('d')];
    await settle();
    const batchesWhileFirstRuns = writes.batches.length;
    writes.pending[0]!.resolve();
    await first;
    await settle();
    writes.pending[1]!.resolve();
    await Promise.all(later);

    expect(batchesWhileFirstRuns).toBe(1);
    expect(writes.batches).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('splits a backlog into batches of the maximum size', async () => {
    const writes = heldWrites();
    const sut = new WriteBatcher(writes.write, { maxBatch: 2, maxConcurrentWrites: 1 });

    const all = ['a', 'b', 'c', 'd', 'e'].map((item) => sut.add(item));
    for (let index = 0; index < 3; index += 1) {
      await settle();
      writes.pending[index]!.resolve();
    }
    await Promise.all(all);

    expect(writes.batches).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });

  it('runs up to the allowed number of writes at once', async () => {
    const writes = heldWrites();
    const sut = new WriteBatcher(writes.write, { maxBatch: 10, maxConcurrentWrites: 2 });

    void sut.add('a');
    void sut.add('b');
    void sut.add('c');
    await settle();

    expect(writes.batches).toEqual([['a'], ['b']]);
  });

  it('keeps items with one key in separate writes', async () => {
    const writes = heldWrites();
    const sut = new WriteBatcher(writes.write, { maxBatch: 10, maxConcurrentWrites: 1, key: (item: string) => item.slice(0, 1) });

    const all = ['x', 'a1', 'a2', 'b1', 'a3', 'b2'].map((item) => sut.add(item));
    for (let index = 0; index < 4; index += 1) {
      await settle();
      writes.pending[index]!.resolve();
    }
    await Promise.all(all);

    expect(writes.batches).toEqual([['x'], ['a1', 'b1'], ['a2', 'b2'], ['a3']]);
  });

  it('gives each caller the result for its own item', async () => {
    const sut = new WriteBatcher(async (items: number[]) => items.map((item) => item * 10), { maxBatch: 10, maxConcurrentWrites: 1 });

    const results = await Promise.all([1, 2, 3].map((item) => sut.add(item)));

    expect(results).toEqual([10, 20, 30]);
  });

  it('rejects every item of a failed write and goes on with the next', async () => {
    const writes = heldWrites();
    const sut = new WriteBatcher(writes.write, { maxBatch: 10, maxConcurrentWrites: 1 });
    const failure = new Error('connection lost');

    const first = sut.add('a');
    const second = sut.add('b');
    const third = sut.add('c');
    await settle();
    writes.pending[0]!.resolve();
    await first;
    await settle();
    writes.pending[1]!.reject(failure);
    const outcomes = await Promise.allSettled([second, third]);
    const fourth = sut.add('d');
    await settle();
    writes.pending[2]!.resolve();
    await fourth;

    expect(outcomes).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
    expect(writes.batches).toEqual([['a'], ['b', 'c'], ['d']]);
  });
});
