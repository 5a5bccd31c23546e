import type { AuditEntry } from '../ports/repositories';

/** Who issues a command: the organization from the caller's token and the token's subject. */
export interface Actor {
  readonly orgId: string;
  readonly subject: string;
}

/**
 * A state-changing request. `R` is the handler's result type; `commandName` is the
 * stable name written to the audit log.
 */
export abstract class Command<R> {
  declare readonly resultType: R;

  abstract readonly commandName: string;
}

export interface CommandHandler<C extends Command<unknown>> {
  execute(command: C, actor: Actor): Promise<C['resultType']>;
}

/**
 * A handler whose one atomic write also stores the command's audit entry, so
 * the bus opens no transaction for it and writes no audit row of its own on
 * success. Meant for hot paths where a round trip per statement counts. The
 * bus still audits a failure, as it does for every command.
 */
export interface SelfAuditingCommandHandler<C extends Command<unknown>> {
  readonly auditsInItsWrite: true;
  /** `audit` is the success entry the write must store with its change. */
  execute(command: C, actor: Actor, audit: AuditEntry): Promise<C['resultType']>;
}

/** A read. Queries run without a transaction and are never audited. */
export abstract class Query<R> {
  declare readonly resultType: R;
}

export interface QueryHandler<Q extends Query<unknown>> {
  execute(query: Q, actor: Actor): Promise<Q['resultType']>;
}
