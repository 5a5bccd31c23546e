interface Pending<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for one kind of write. The first item is written at once;
 * items that arrive while writes are running wait and then go together in the
 * next write, so under load many items share one statement and one commit,
 * and an idle system adds no delay. Each caller's promise settles when the
 * write that carried its item has committed or failed.
 */
export class WriteBatcher<T> {
  private readonly pending: Pending<T>[] = [];
  private running = 0;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxBatch: number,
    private readonly maxConcurrentWrites: number,
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.maxConcurrentWrites && this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.running += 1;
      this.write(batch.map((entry) => entry.item))
        .then(
          () => batch.forEach((entry) => entry.resolve()),
          (error: unknown) => batch.forEach((entry) => entry.reject(error)),
        )
        .finally(() => {
          this.running -= 1;
          this.pump();
        });
    }
  }
}
