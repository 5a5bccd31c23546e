import { Column, Entity, PrimaryColumn } from 'typeorm';

// The hot paths (send, claim, record) use hand-written SQL against these
// tables; the entities document the columns and serve simple reads.

@Entity('messages')
export class MessageEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'app_id' }) appId!: string;
  @Column('uuid', { name: 'event_type_id' }) eventTypeId!: string;
  @Column('json') payload!: unknown;
  @Column('text', { name: 'idempotency_key' }) idempotencyKey!: string;
  @Column('timestamptz', { name: 'idempotency_expires_at' }) idempotencyExpiresAt!: Date;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

@Entity('attempts')
export class AttemptEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'message_id' }) messageId!: string;
  @Column('uuid', { name: 'endpoint_id' }) endpointId!: string;
  @Column('text') status!: string;
  @Column('smallint', { name: 'response_code', nullable: true }) responseCode!: number | null;
  @Column('text', { name: 'response_body', nullable: true }) responseBody!: string | null;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('timestamptz', { name: 'attempted_at', nullable: true }) attemptedAt!: Date | null;
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt!: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('integer', { name: 'attempt_number' }) attemptNumber!: number;
  @Column('bigint', { name: 'duration_ms', nullable: true }) durationMs!: string | null;
  @Column('uuid', { name: 'claim_token', nullable: true }) claimToken!: string | null;
}

@Entity('dead_letters')
export class DeadLetterEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'message_id' }) messageId!: string;
  @Column('uuid', { name: 'endpoint_id' }) endpointId!: string;
  @Column('uuid', { name: 'app_id' }) appId!: string;
  @Column('uuid', { name: 'attempt_id', nullable: true }) attemptId!: string | null;
  @Column('smallint', { name: 'last_response_code', nullable: true }) lastResponseCode!: number | null;
  @Column('text', { name: 'last_response_body', nullable: true }) lastResponseBody!: string | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @Column('timestamptz', { name: 'dead_lettered_at' }) deadLetteredAt!: Date;
  @Column('timestamptz', { name: 'replayed_at', nullable: true }) replayedAt!: Date | null;
}
