import { ApplicationEntity, EndpointEntity, EndpointEventEntity, EventTypeEntity } from './catalog.entity';
import { AttemptEntity, DeadLetterEntity, MessageEntity } from './delivery.entity';
import { AuditLogEntity, OidcConfigEntity, OrganizationEntity } from './tenancy.entity';

export * from './catalog.entity';
export * from './delivery.entity';
export * from './tenancy.entity';

export const ENTITIES = [
  OrganizationEntity,
  OidcConfigEntity,
  AuditLogEntity,
  ApplicationEntity,
  EventTypeEntity,
  EndpointEntity,
  EndpointEventEntity,
  MessageEntity,
  AttemptEntity,
  DeadLetterEntity,
];
