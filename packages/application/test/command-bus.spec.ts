import { PigeonError } from '@pigeon/domain';

import {
  Command,
  CommandBus,
  type CommandHandler,
  CreateApplicationCommand,
  CreateApplicationHandler,
  GetApplicationHandler,
  GetApplicationQuery,
  QueryBus,
  SendMessageCommand,
  SendMessageHandler,
  UpdateApplicationCommand,
  UpdateApplicationHandler,
} from '../src';
import { ACTOR, asPigeonError, Catalog, rejectionOf } from './builders';
import { InMemoryAuditLog, RecordingTransactionRunner } from './fakes';

class ImportLedgerCommand extends Command<void> {
  readonly commandName = 'ImportLedger';
}

/** Fails the way a driver does when the connection drops: with an error that carries no code. */
class BrokenConnectionHandler implements CommandHandler<ImportLedgerCommand> {
  async execute(): Promise<void> {
    throw new Error('Connection terminated unexpectedly at 10.0.0.5:5432');
  }
}

function setUp() {
  const catalog = new Catalog();
  const transactions = new RecordingTransactionRunner();
  const auditLog = new InMemoryAuditLog(transactions);
  const auditFailures: { error: unknown; commandName: string }[] = [];
  const sut = new CommandBus(transactions, auditLog, catalog.clock, (error, commandName) => {
    auditFailures.push({ error, commandName });
  });

  sut
    .register(CreateApplicationCommand, new CreateApplicationHandler(catalog.applications, catalog.clock))
    .register(UpdateApplicationCommand, new UpdateApplicationHandler(catalog.applications))
    .register(ImportLedgerCommand, new BrokenConnectionHandler());

  return { sut, catalog, transactions, auditLog, auditFailures };
}

describe('CommandBus', () => {
  it('returns the handler result', async () => {
    const { sut, catalog } = setUp();

    const application = await sut.execute(new CreateApplicationCommand('Billing', 'billing'), ACTOR);

    expect(application.name).toBe('Billing');
    expect(catalog.applications.applications.get(application.id)).toEqual(application);
  });

  it('audits a success inside the transaction', async () => {
    const { sut, auditLog, transactions, catalog } = setUp();

    await sut.execute(new CreateApplicationCommand('Billing', 'billing'), ACTOR);

    expect(auditLog.recorded).toHaveLength(1);
    expect(auditLog.recorded[0]!.inTransaction).toBe(true);
    expect(auditLog.entries[0]).toEqual({
      orgId: 'org-a',
      actor: 'alice@example.com',
      commandName: 'CreateApplication',
      success: true,
      errorMessage: null,
      timestamp: catalog.clock.now(),
    });
    expect(transactions.journal).toEqual(['begin', 'audit CreateApplication success=true', 'commit']);
  });

  it('audits a failure after the rollback', async () => {
    const { sut, auditLog, transactions } = setUp();

    const error = await rejectionOf(sut.execute(new UpdateApplicationCommand('missing-app', 'Invoicing', 1), ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
    expect(transactions.journal).toEqual([
      'begin',
      'rollback',
      'begin',
      'audit UpdateApplication success=false',
      'commit',
    ]);
    expect(auditLog.entries).toHaveLength(1);
    expect(auditLog.entries[0]!.success).toBe(false);
    expect(auditLog.entries[0]!.errorMessage).toBe('not found');
    expect(auditLog.recorded[0]!.inTransaction).toBe(true);
  });

  it('audits the message of a coded error', async () => {
    const { sut, auditLog } = setUp();

    await rejectionOf(sut.execute(new CreateApplicationCommand(' ', 'billing'), ACTOR));

    expect(auditLog.entries[0]!.errorMessage).toBe('validation error: application name must not be empty');
  });

  it('audits an uncoded error as internal error', async () => {
    const { sut, auditLog } = setUp();

    const error = await rejectionOf(sut.execute(new ImportLedgerCommand(), ACTOR));

    expect((error as Error).message).toBe('Connection terminated unexpectedly at 10.0.0.5:5432');
    expect(auditLog.entries[0]!.success).toBe(false);
    expect(auditLog.entries[0]!.errorMessage).toBe('internal error');
  });

  it('rethrows the command error when auditing it fails', async () => {
    const { sut, auditLog, auditFailures } = setUp();
    const auditError = new Error('audit_log: disk full');
    auditLog.failure = auditError;

    const error = await rejectionOf(sut.execute(new UpdateApplicationCommand('missing-app', 'Invoicing', 1), ACTOR));

    expect(error).toBeInstanceOf(PigeonError);
    expect(asPigeonError(error).code).toBe('not_found');
    expect(auditFailures).toEqual([{ error: auditError, commandName: 'UpdateApplication' }]);
  });

  it('rolls back a change whose audit row fails', async () => {
    const { sut, auditLog, transactions, auditFailures } = setUp();
    const auditError = new Error('audit_log: disk full');
    auditLog.failure = auditError;

    const error = await rejectionOf(sut.execute(new CreateApplicationCommand('Billing', 'billing'), ACTOR));

    expect(error).toBe(auditError);
    expect(transactions.journal).toEqual(['begin', 'rollback', 'begin', 'rollback']);
    expect(auditFailures).toEqual([{ error: auditError, commandName: 'CreateApplication' }]);
  });

  it('hands a self-auditing send its success entry and opens no transaction', async () => {
    const { sut, catalog, transactions, auditLog } = setUp();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const eventType = await catalog.anEventType(application.id);
    sut.register(SendMessageCommand, new SendMessageHandler(catalog.messages, catalog.clock, { idempotencyTtlSeconds: 60 }));

    const result = await sut.execute(new SendMessageCommand(application.id, eventType.id, '{"id":1}', null), ACTOR);

    expect(catalog.messages.messages.get(result.message.id)).toEqual(result.message);
    expect(catalog.messages.audited).toEqual([
      {
        orgId: 'org-a',
        actor: 'alice@example.com',
        commandName: 'SendMessage',
        success: true,
        errorMessage: null,
        timestamp: catalog.clock.now(),
      },
    ]);
    expect(auditLog.entries).toEqual([]);
    expect(transactions.journal).toEqual([]);
  });

  it('audits a refused self-auditing send on its own', async () => {
    const { sut, catalog, transactions, auditLog } = setUp();
    sut.register(SendMessageCommand, new SendMessageHandler(catalog.messages, catalog.clock, { idempotencyTtlSeconds: 60 }));

    const error = await rejectionOf(sut.execute(new SendMessageCommand('app-of-nobody', 'type-of-nobody', '{}', null), ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
    expect(catalog.messages.audited).toEqual([]);
    expect(auditLog.entries).toEqual([expect.objectContaining({ commandName: 'SendMessage', success: false, errorMessage: 'not found' })]);
    expect(transactions.journal).toEqual(['begin', 'audit SendMessage success=false', 'commit']);
  });

  it('rejects a command without a handler before opening a transaction', async () => {
    const { transactions } = setUp();
    const sut = new CommandBus(transactions, new InMemoryAuditLog(transactions), new Catalog().clock);

    const error = await rejectionOf(sut.execute(new ImportLedgerCommand(), ACTOR));

    expect((error as Error).message).toBe('no handler registered for command ImportLedger');
    expect(transactions.journal).toEqual([]);
  });
});

describe('QueryBus', () => {
  it('dispatches a query to its handler', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const sut = new QueryBus().register(GetApplicationQuery, new GetApplicationHandler(catalog.applications));

    const found = await sut.execute(new GetApplicationQuery(application.id), ACTOR);

    expect(found).toEqual(application);
  });

  it('rejects a query without a handler', async () => {
    const sut = new QueryBus();

    const error = await rejectionOf(sut.execute(new GetApplicationQuery('app-1'), ACTOR));

    expect((error as Error).message).toBe('no handler registered for query GetApplicationQuery');
  });
});
