import {
  type ApplicationRepository,
  type Clock,
  type CommandBus,
  type EndpointRepository,
  GetDeadLetterHandler,
  GetDeadLetterQuery,
  ListDeadLettersHandler,
  ListDeadLettersQuery,
  type MessageRepository,
  type QueryBus,
  ReplayDeadLetterCommand,
  ReplayDeadLetterHandler,
  RetriggerMessageCommand,
  RetriggerMessageHandler,
  RetryAttemptCommand,
  RetryAttemptHandler,
  RevokeSigningSecretCommand,
  RevokeSigningSecretHandler,
  RotateSigningSecretCommand,
  RotateSigningSecretHandler,
  SendTestEventCommand,
  SendTestEventHandler,
} from '@pigeon/application';
import {
  type DatabaseContext,
  PgAttemptRepository,
  PgDeadLetterRepository,
  PgSigningSecretRepository,
  PgTestEventRepository,
} from '@pigeon/infrastructure';

/** Repositories of the catalog that the operations use cases share with the rest of the runtime. */
export interface CatalogRepositories {
  readonly applications: ApplicationRepository;
  readonly endpoints: EndpointRepository;
  readonly messages: MessageRepository;
}

/** Registers secret rotation, test events, retrigger, retry and the dead-letter use cases on the buses. */
export function registerOperationsHandlers(
  commands: CommandBus,
  queries: QueryBus,
  db: DatabaseContext,
  clock: Clock,
  { applications, endpoints, messages }: CatalogRepositories,
): void {
  const secrets = new PgSigningSecretRepository(db);
  const attempts = new PgAttemptRepository(db);
  const deadLetters = new PgDeadLetterRepository(db);

  commands
    .register(RotateSigningSecretCommand, new RotateSigningSecretHandler(applications, endpoints, secrets))
    .register(RevokeSigningSecretCommand, new RevokeSigningSecretHandler(applications, endpoints, secrets))
    .register(SendTestEventCommand, new SendTestEventHandler(applications, new PgTestEventRepository(db), clock))
    .register(RetriggerMessageCommand, new RetriggerMessageHandler(applications, messages, attempts))
    .register(RetryAttemptCommand, new RetryAttemptHandler(applications, attempts, deadLetters, clock))
    .register(ReplayDeadLetterCommand, new ReplayDeadLetterHandler(applications, deadLetters, clock));

  queries
    .register(ListDeadLettersQuery, new ListDeadLettersHandler(applications, deadLetters))
    .register(GetDeadLetterQuery, new GetDeadLetterHandler(applications, deadLetters));
}
