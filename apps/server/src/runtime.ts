import {
  CommandBus,
  CreateApplicationCommand,
  CreateApplicationHandler,
  CreateEndpointCommand,
  CreateEndpointHandler,
  CreateEventTypeCommand,
  CreateEventTypeHandler,
  DeleteApplicationCommand,
  DeleteApplicationHandler,
  DeleteEndpointCommand,
  DeleteEndpointHandler,
  DeleteEventTypeCommand,
  DeleteEventTypeHandler,
  DeliveryAttempt,
  DeliveryWorker,
  GetApplicationHandler,
  GetApplicationQuery,
  GetEndpointHandler,
  GetEndpointQuery,
  GetEventTypeHandler,
  GetEventTypeQuery,
  GetMessageHandler,
  GetMessageQuery,
  ListApplicationsHandler,
  ListApplicationsQuery,
  ListAttemptsHandler,
  ListAttemptsQuery,
  ListEndpointsHandler,
  ListEndpointsQuery,
  ListEventTypesHandler,
  ListEventTypesQuery,
  ListMessagesHandler,
  ListMessagesQuery,
  type OutboxProcessor,
  QueryBus,
  RetentionJob,
  SendMessageCommand,
  SendMessageHandler,
  SystemClock,
  UpdateApplicationCommand,
  UpdateApplicationHandler,
  UpdateEndpointCommand,
  UpdateEndpointHandler,
  UpdateEventTypeCommand,
  UpdateEventTypeHandler,
} from '@pigeon/application';
import { requestLogFields } from '@pigeon/api';
import { RetryPolicy } from '@pigeon/domain';
import {
  createDataSource,
  DatabaseContext,
  HttpWebhookSender,
  OidcAccessTokenVerifier,
  PgApplicationRepository,
  PgAuditLog,
  PgDeliveryQueue,
  PgEndpointRepository,
  PgEventTypeRepository,
  PgMessageRepository,
  PgOidcConfigRepository,
  PgOrganizationRepository,
  PgQueueDepth,
  PgRetentionStore,
  PgTransactionRunner,
  PinoLogger,
  PrometheusMetrics,
  QUEUE_DEPTH_CAP,
} from '@pigeon/infrastructure';
import type { Logger as Pino } from 'pino';

import type { PigeonConfig } from './config/config';
import { registerOperationsHandlers } from './operations-wiring';
import { buildOutboxProcessor, OUTBOX_RETENTION_DAYS } from './outbox-wiring';
import { registerStatsHandlers } from './stats-wiring';
import { registerTenancyHandlers } from './tenancy-wiring';
import { PIGEON_VERSION } from './version';

/** Everything a Pigeon process is made of, wired once; each command starts the parts it needs. */
export interface Runtime {
  readonly db: DatabaseContext;
  readonly commands: CommandBus;
  readonly queries: QueryBus;
  readonly tokenVerifier: OidcAccessTokenVerifier;
  readonly organizations: PgOrganizationRepository;
  readonly worker: DeliveryWorker;
  readonly retention: RetentionJob;
  readonly outbox: OutboxProcessor;
  readonly sender: HttpWebhookSender;
  readonly logger: PinoLogger;
  readonly metrics: PrometheusMetrics;
}

export function buildRuntime(config: PigeonConfig, pino: Pino, applicationName: string): Runtime {
  const logger = new PinoLogger(pino, requestLogFields);
  const dataSource = createDataSource({ url: config.databaseUrl, poolSize: 10, applicationName });
  const db = new DatabaseContext(dataSource);
  const clock = new SystemClock();
  const queueDepth = new PgQueueDepth(db, QUEUE_DEPTH_CAP);
  const metrics = new PrometheusMetrics({
    countDueAttempts: () => queueDepth.countDue(),
    queueDepthCap: QUEUE_DEPTH_CAP,
    logger: logger.child({ component: 'metrics' }),
  });

  const applications = new PgApplicationRepository(db);
  const eventTypes = new PgEventTypeRepository(db);
  const endpoints = new PgEndpointRepository(db);
  const messages = new PgMessageRepository(db);
  const auditLog = new PgAuditLog(db);

  const commands = new CommandBus(new PgTransactionRunner(db), auditLog, clock, (error, commandName) =>
    logger.error('writing the audit entry of a failed command failed', { commandName, error: String(error) }),
  )
    .register(CreateApplicationCommand, new CreateApplicationHandler(applications, clock))
    .register(UpdateApplicationCommand, new UpdateApplicationHandler(applications))
    .register(DeleteApplicationCommand, new DeleteApplicationHandler(applications))
    .register(CreateEventTypeCommand, new CreateEventTypeHandler(applications, eventTypes, clock))
    .register(UpdateEventTypeCommand, new UpdateEventTypeHandler(applications, eventTypes))
    .register(DeleteEventTypeCommand, new DeleteEventTypeHandler(applications, eventTypes))
    .register(CreateEndpointCommand, new CreateEndpointHandler(applications, eventTypes, endpoints, clock))
    .register(UpdateEndpointCommand, new UpdateEndpointHandler(applications, eventTypes, endpoints))
    .register(DeleteEndpointCommand, new DeleteEndpointHandler(applications, endpoints))
    .register(
      SendMessageCommand,
      new SendMessageHandler(messages, clock, { idempotencyTtlSeconds: config.idempotencyTtlSeconds }, metrics),
    );

  const queries = new QueryBus()
    .register(ListApplicationsQuery, new ListApplicationsHandler(applications))
    .register(GetApplicationQuery, new GetApplicationHandler(applications))
    .register(ListEventTypesQuery, new ListEventTypesHandler(applications, eventTypes))
    .register(GetEventTypeQuery, new GetEventTypeHandler(applications, eventTypes))
    .register(ListEndpointsQuery, new ListEndpointsHandler(applications, endpoints))
    .register(GetEndpointQuery, new GetEndpointHandler(applications, endpoints))
    .register(ListMessagesQuery, new ListMessagesHandler(applications, messages))
    .register(GetMessageQuery, new GetMessageHandler(applications, messages))
    .register(ListAttemptsQuery, new ListAttemptsHandler(applications, messages));

  registerTenancyHandlers(commands, queries, db, clock, config);
  registerOperationsHandlers(commands, queries, db, clock, { applications, endpoints, messages });
  registerStatsHandlers(queries, db, { applications, eventTypes, endpoints });

  const tokenVerifier = new OidcAccessTokenVerifier(new PgOidcConfigRepository(db), clock, logger.child({ component: 'token-verifier' }), {
    jwksCacheTtlMs: config.jwksCacheTtlSeconds * 1000,
    jwksTimeoutMs: 5000,
    clockToleranceSeconds: 60,
  });

  const { worker: settings } = config;
  const sender = new HttpWebhookSender({
    allowPrivateNetworks: settings.allowPrivateNetworks,
    allowedCidrs: settings.allowedCidrs,
    responseBodyMaxBytes: settings.responseBodyMaxBytes,
    userAgent: `Pigeon/${PIGEON_VERSION}`,
  });
  const queue = new PgDeliveryQueue(db);
  const retryPolicy = new RetryPolicy({
    maxTries: settings.maxRetries,
    backoffBaseSeconds: settings.backoffBaseSeconds,
    maxBackoffSeconds: settings.maxBackoffSeconds,
    schedule: settings.retrySchedule,
  });
  const workerLogger = logger.child({ component: 'delivery-worker' });
  const attempt = new DeliveryAttempt(queue, sender, retryPolicy, clock, workerLogger, {
    httpTimeoutMs: settings.httpTimeoutSeconds * 1000,
    userAgent: `Pigeon/${PIGEON_VERSION}`,
    autoDisableThreshold: settings.autoDisableThreshold,
  }, Math.random, metrics);
  const worker = new DeliveryWorker(queue, attempt, workerLogger, {
    batchSize: settings.batchSize,
    concurrency: settings.concurrency,
    maxInFlightPerEndpoint: settings.maxInFlightPerEndpoint,
    pollIntervalMs: settings.pollIntervalMs,
    leaseMs: settings.leaseSeconds * 1000,
    httpTimeoutMs: settings.httpTimeoutSeconds * 1000,
  });

  const retention = new RetentionJob(new PgRetentionStore(db), logger.child({ component: 'retention' }), {
    retentionDays: config.retentionDays,
    outboxRetentionDays: OUTBOX_RETENTION_DAYS,
    batchSize: 500,
    maxBatchesPerRun: 200,
  });

  const outbox = buildOutboxProcessor(db, logger, settings.pollIntervalMs);

  return {
    db,
    retention,
    outbox,
    commands,
    queries,
    tokenVerifier,
    organizations: new PgOrganizationRepository(db),
    worker,
    sender,
    logger,
    metrics,
  };
}
