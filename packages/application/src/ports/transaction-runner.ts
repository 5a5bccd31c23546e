/**
 * Runs work in one database transaction. Repositories called inside `run` take
 * part in that transaction; a thrown error rolls everything back.
 */
export abstract class TransactionRunner {
  abstract run<T>(work: () => Promise<T>): Promise<T>;
}
