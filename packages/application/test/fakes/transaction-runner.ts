import { TransactionRunner } from '../../src';

/**
 * Runs work directly and writes `begin`, `commit` and `rollback` to a journal
 * that other fakes may share, so a test can assert what happened inside which
 * transaction and in what order.
 */
export class RecordingTransactionRunner extends TransactionRunner {
  private depth = 0;

  constructor(readonly journal: string[] = []) {
    super();
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    this.journal.push('begin');
    this.depth += 1;

    try {
      const result = await work();
      this.journal.push('commit');

      return result;
    } catch (error) {
      this.journal.push('rollback');
      throw error;
    } finally {
      this.depth -= 1;
    }
  }
}
