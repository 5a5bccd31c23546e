import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('applications')
export class ApplicationEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'org_id' }) orgId!: string;
  @Column('text') name!: string;
  @Column('text') uid!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('integer') version!: number;
}

@Entity('event_types')
export class EventTypeEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'app_id' }) appId!: string;
  @Column('text') name!: string;
  @Column('jsonb', { nullable: true }) schema!: unknown;
  @Column('boolean') system!: boolean;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('integer') version!: number;
}

@Entity('endpoints')
export class EndpointEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'app_id' }) appId!: string;
  @Column('text') name!: string;
  @Column('text') url!: string;
  @Column('boolean') enabled!: boolean;
  @Column('text', { name: 'signing_secrets', array: true }) signingSecrets!: string[];
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('integer') version!: number;
}

@Entity('endpoint_events')
export class EndpointEventEntity {
  @PrimaryColumn('uuid', { name: 'endpoint_id' }) endpointId!: string;
  @PrimaryColumn('uuid', { name: 'event_type_id' }) eventTypeId!: string;
}
