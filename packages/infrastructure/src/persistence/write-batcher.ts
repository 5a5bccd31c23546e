interface Pending<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

export interface WriteBatcherOptions<T> {
  readonly maxBatch: number;
  readonly maxConcurrentWrites: number;
  /**
   * Items with equal keys never share a write: a later one waits for the
   * next. For writes that may not touch one row twice in a statement.
   */
  readonly key?: (item: T) => string;
}

/**
 * Group commit for one kind of write. The first item is written at once.
 * Items that arrive while writes are running wait and then go together in
 * the next write. Under load many items share one statement and one commit,
 * and an idle system adds no delay. `write` returns one result per item, in
 * order. Each caller's promise settles when the write that carried its item
 * has committed or failed.
 */
export class WriteBatcher<T, R = void> {
  private pending: Pending<T, R>[] = [];
  private running = 0;

  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly options: WriteBatcherOptions<T>,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.options.maxConcurrentWrites && this.pending.length > 0) {
      const batch = this.takeBatch();
      this.running += 1;
      this.write(batch.map((entry) => entry.item))
        .then(
          (results) => batch.forEach((entry, index) => entry.resolve(results[index] as R)),
          (error: unknown) => batch.forEach((entry) => entry.reject(error)),
        )
        .finally(() => {
          this.running -= 1;
          this.pump();
        });
    }
  }

  private takeBatch(): Pending<T, R>[] {
    const { key, maxBatch } = this.options;
    if (key === undefined) {
      return this.pending.splice(0, maxBatch);
    }

    const batch: Pending<T, R>[] = [];
    const left: Pending<T, R>[] = [];
    const keys = new Set<string>();
    for (const entry of this.pending) {
      const itemKey = key(entry.item);
      if (batch.length < maxBatch && !keys.has(itemKey)) {
        keys.add(itemKey);
        batch.push(entry);
      } else {
        left.push(entry);
      }
    }
    this.pending = left;

    return batch;
  }
}
