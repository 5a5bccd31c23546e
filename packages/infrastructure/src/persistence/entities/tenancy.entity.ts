import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('organizations')
export class OrganizationEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text') slug!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('integer') version!: number;
}

@Entity('oidc_configs')
export class OidcConfigEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'org_id' }) orgId!: string;
  @Column('text', { name: 'issuer_url' }) issuerUrl!: string;
  @Column('text') audience!: string;
  @Column('text', { name: 'jwks_url' }) jwksUrl!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('integer') version!: number;
}

@Entity('audit_log')
export class AuditLogEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { name: 'command_name' }) commandName!: string;
  @Column('text') actor!: string;
  @Column('uuid', { name: 'org_id' }) orgId!: string;
  @Column('timestamptz') timestamp!: Date;
  @Column('boolean') success!: boolean;
  @Column('text', { name: 'error_message', nullable: true }) errorMessage!: string | null;
}
