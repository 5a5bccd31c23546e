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

/** A write function that records each batch and finishes when the test says so. */
function heldWrites() {
  const batches: string[][] = [];
  const pending: Deferred[] = [];
  const write = (items: string[]): Promise<void> => {
    batches.push(items);
    const done = deferred();
    pending.push(done);

    return done.promise;
  };

  return { batches, pending, write };
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

describe('WriteBatcher', () => {
  it('writes the first item at once and the ones that arrive meanwhile together', async () => {
    const writes = heldWrites();
    const sut = new WriteBatcher(writes.write, 100, 1);

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
    const sut = new WriteBatcher(writes.write, 2, 1);

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
    const sut = new WriteBatcher(writes.write, 10, 2);

    void sut.add('a');
    void sut.add('b');
    void sut.add('c');
    await settle();

    expect(writes.batches).toEqual([['a'], ['b']]);
  });

  it('rejects every item of a failed write and goes on with the next', async () => {
    const writes = heldWrites();
    const sut = new WriteBatcher(writes.write, 10, 1);
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
