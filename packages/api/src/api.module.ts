import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AccessTokenVerifier, CommandBus, Metrics, QueryBus } from '@pigeon/application';
import { LoggerModule } from 'nestjs-pino';
import type { Logger as Pino } from 'pino';

import { AdminOrganization } from './auth/admin-organization';
import { JwtAuthGuard } from './auth/jwt-auth.guard';
import { AdminController } from './controllers/admin.controller';
import { ApplicationsController } from './controllers/applications.controller';
import { AttemptsController } from './controllers/attempts.controller';
import { AuditLogController } from './controllers/audit-log.controller';
import { AuthConfigController } from './controllers/auth-config.controller';
import { DeadLettersController } from './controllers/dead-letters.controller';
import { EndpointsController } from './controllers/endpoints.controller';
import { EventTypesController } from './controllers/event-types.controller';
import { HealthController } from './controllers/health.controller';
import { MessagesController } from './controllers/messages.controller';
import { MetricsController } from './controllers/metrics.controller';
import { OidcConfigsController } from './controllers/oidc-configs.controller';
import { StatsController } from './controllers/stats.controller';
import { ErrorFilter } from './http/error-filter';
import { JsonInterceptor } from './http/json.interceptor';
import { BodyValidationPipe } from './http/validation';
import { ReadinessCheck } from './readiness';

export interface ApiModuleOptions {
  readonly commands: CommandBus;
  readonly queries: QueryBus;
  readonly tokenVerifier: AccessTokenVerifier;
  readonly readiness: ReadinessCheck;
  readonly logger: Pino;
  /** This process's metrics: served on `/metrics`, and every HTTP request is recorded there. */
  readonly metrics: Metrics;
  /** Organization whose users may call the admin API; absent or null turns the admin API off. */
  readonly adminOrgId?: string | null;
}

/** The HTTP API. Everything it needs arrives ready-made from the composition root. */
@Module({})
export class ApiModule {
  static forRoot(options: ApiModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        // Nest's own log lines go through pino. Requests are logged by
        // requestLogMiddleware, so pino-http's middleware is applied to no route.
        LoggerModule.forRoot({ pinoHttp: { logger: options.logger }, forRoutes: [] }),
      ],
      controllers: [HealthController, ApplicationsController, EventTypesController, EndpointsController, MessagesController, AuditLogController, OidcConfigsController, AdminController, AuthConfigController, AttemptsController, DeadLettersController, MetricsController, StatsController],
      providers: [
        { provide: CommandBus, useValue: options.commands },
        { provide: QueryBus, useValue: options.queries },
        { provide: AccessTokenVerifier, useValue: options.tokenVerifier },
        { provide: ReadinessCheck, useValue: options.readiness },
        { provide: Metrics, useValue: options.metrics },
        { provide: AdminOrganization, useValue: { id: options.adminOrgId ?? null } },
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        { provide: APP_PIPE, useClass: BodyValidationPipe },
        { provide: APP_INTERCEPTOR, useClass: JsonInterceptor },
      ],
    };
  }
}
