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

/** A read. Queries run without a transaction and are never audited. */
export abstract class Query<R> {
  declare readonly resultType: R;
}

export interface QueryHandler<Q extends Query<unknown>> {
  execute(query: Q, actor: Actor): Promise<Q['resultType']>;
}
