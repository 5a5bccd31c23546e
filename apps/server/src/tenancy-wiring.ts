import {
  type Clock,
  type CommandBus,
  CreateOidcConfigCommand,
  CreateOidcConfigHandler,
  CreateOrganizationCommand,
  CreateOrganizationHandler,
  DeleteOidcConfigCommand,
  DeleteOidcConfigHandler,
  DeleteOrganizationCommand,
  DeleteOrganizationHandler,
  GetAuthConfigHandler,
  GetAuthConfigQuery,
  GetOidcConfigHandler,
  GetOidcConfigQuery,
  GetOrganizationHandler,
  GetOrganizationQuery,
  ListAuditLogHandler,
  ListAuditLogQuery,
  ListOidcConfigsHandler,
  ListOidcConfigsQuery,
  ListOrganizationsHandler,
  ListOrganizationsQuery,
  type QueryBus,
  UpdateOrganizationCommand,
  UpdateOrganizationHandler,
} from '@pigeon/application';
import { type DatabaseContext, PgAuditLogReader, PgOidcConfigRegistry, PgOrganizationRegistry } from '@pigeon/infrastructure';

import type { PigeonConfig } from './config/config';

/** Registers the organization, OIDC config, audit log and sign-in settings use cases on the buses. */
export function registerTenancyHandlers(commands: CommandBus, queries: QueryBus, db: DatabaseContext, clock: Clock, config: PigeonConfig): void {
  const organizations = new PgOrganizationRegistry(db);
  const oidcConfigs = new PgOidcConfigRegistry(db);

  commands
    .register(CreateOrganizationCommand, new CreateOrganizationHandler(organizations, clock))
    .register(UpdateOrganizationCommand, new UpdateOrganizationHandler(organizations))
    .register(DeleteOrganizationCommand, new DeleteOrganizationHandler(organizations))
    .register(CreateOidcConfigCommand, new CreateOidcConfigHandler(organizations, oidcConfigs, clock))
    .register(DeleteOidcConfigCommand, new DeleteOidcConfigHandler(organizations, oidcConfigs));

  queries
    .register(ListOrganizationsQuery, new ListOrganizationsHandler(organizations))
    .register(GetOrganizationQuery, new GetOrganizationHandler(organizations))
    .register(ListOidcConfigsQuery, new ListOidcConfigsHandler(organizations, oidcConfigs))
    .register(GetOidcConfigQuery, new GetOidcConfigHandler(oidcConfigs))
    .register(ListAuditLogQuery, new ListAuditLogHandler(new PgAuditLogReader(db)))
    .register(GetAuthConfigQuery, new GetAuthConfigHandler(organizations, oidcConfigs, { baseDomain: config.baseDomain }));
}
