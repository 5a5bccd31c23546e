import { type AuditEntry, AuditLog } from '../../src';
import type { RecordingTransactionRunner } from './transaction-runner';

export interface RecordedAuditEntry {
  readonly entry: AuditEntry;
  readonly inTransaction: boolean;
}

/** Keeps audit rows in memory and notes whether each was written inside a transaction. */
export class InMemoryAuditLog extends AuditLog {
  readonly recorded: RecordedAuditEntry[] = [];
  /** When set, `record` rejects with this error, as a database that went away would. */
  failure: Error | null = null;

  constructor(private readonly transactions: RecordingTransactionRunner) {
    super();
  }

  get entries(): AuditEntry[] {
    return this.recorded.map(({ entry }) => entry);
  }

  async record(entry: AuditEntry): Promise<void> {
    if (this.failure !== null) {
      throw this.failure;
    }

    this.recorded.push({ entry, inTransaction: this.transactions.inTransaction });
    this.transactions.journal.push(`audit ${entry.commandName} success=${String(entry.success)}`);
  }
}
