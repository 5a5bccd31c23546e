import { isPigeonError } from '@pigeon/domain';

import { Clock } from '../ports/clock';
import { AuditLog } from '../ports/repositories';
import { TransactionRunner } from '../ports/transaction-runner';
import type { Actor, Command, CommandHandler, Query, QueryHandler, SelfAuditingCommandHandler } from './command';

type Constructor<T> = abstract new (...args: never[]) => T;
type AnyCommandHandler = CommandHandler<Command<unknown>> | SelfAuditingCommandHandler<Command<unknown>>;

/** Receives audit failures that happen after a command already failed, since they must not hide its error. */
export type AuditFailureListener = (error: unknown, commandName: string) => void;

/**
 * Dispatches commands through the pipeline every write shares: one transaction
 * around the handler and its audit row, so a change and its audit commit or roll
 * back together. A failed command is audited with `success: false` after the
 * rollback, in a transaction of its own. A self-auditing handler gets its
 * success entry instead of a transaction and stores both in one write.
 */
export class CommandBus {
  private readonly handlers = new Map<Constructor<Command<unknown>>, AnyCommandHandler>();

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly auditLog: AuditLog,
    private readonly clock: Clock,
    private readonly onAuditFailure: AuditFailureListener = () => {},
  ) {}

  register<C extends Command<unknown>>(type: Constructor<C>, handler: CommandHandler<C> | SelfAuditingCommandHandler<C>): this {
    this.handlers.set(type, handler as AnyCommandHandler);

    return this;
  }

  async execute<R>(command: Command<R>, actor: Actor): Promise<R> {
    const handler = this.handlers.get(command.constructor as Constructor<Command<unknown>>);
    if (handler === undefined) {
      throw new Error(`no handler registered for command ${command.commandName}`);
    }

    try {
      if ('auditsInItsWrite' in handler) {
        return (await handler.execute(command, actor, this.entry(command, actor, null))) as R;
      }

      return await this.transactions.run(async () => {
        const result = (await handler.execute(command, actor)) as R;
        await this.auditLog.record(this.entry(command, actor, null));

        return result;
      });
    } catch (error) {
      await this.recordFailure(command, actor, error);
      throw error;
    }
  }

  private async recordFailure(command: Command<unknown>, actor: Actor, error: unknown): Promise<void> {
    // Only coded errors carry a message meant for clients; anything else is an
    // internal failure whose detail belongs in the server log, not the audit log.
    const message = isPigeonError(error) ? error.message : 'internal error';

    try {
      await this.transactions.run(() => this.auditLog.record(this.entry(command, actor, message)));
    } catch (auditError) {
      this.onAuditFailure(auditError, command.commandName);
    }
  }

  private entry(command: Command<unknown>, actor: Actor, errorMessage: string | null) {
    return {
      orgId: actor.orgId,
      actor: actor.subject,
      commandName: command.commandName,
      success: errorMessage === null,
      errorMessage,
      timestamp: this.clock.now(),
    };
  }
}

/** Dispatches queries to their handlers; no transaction, no audit. */
export class QueryBus {
  private readonly handlers = new Map<Constructor<Query<unknown>>, QueryHandler<Query<unknown>>>();

  register<Q extends Query<unknown>>(type: Constructor<Q>, handler: QueryHandler<Q>): this {
    this.handlers.set(type, handler as QueryHandler<Query<unknown>>);

    return this;
  }

  async execute<R>(query: Query<R>, actor: Actor): Promise<R> {
    const handler = this.handlers.get(query.constructor as Constructor<Query<unknown>>);
    if (handler === undefined) {
      throw new Error(`no handler registered for query ${query.constructor.name}`);
    }

    return (await handler.execute(query, actor)) as R;
  }
}
