import { ApiProperty } from '@nestjs/swagger';

// Response shapes of the three stats routes. The presenters in
// `presenters/stats.responses.ts` build the bodies.

const BUCKET_DESCRIPTION =
  'Start of the bucket in UTC: the hour for `24h`, 00/06/12/18 h for `7d`, midnight for `30d`. ' +
  'Counts attempts that ended succeeded or failed, by the time of their last try.';

export class TimeBucketResponse {
  @ApiProperty({ format: 'date-time', description: BUCKET_DESCRIPTION, example: '2026-03-30T06:00:00.000Z' })
  bucket!: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  succeeded!: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  failed!: number;
}

/** Same fields as `TimeBucketResponse`; a schema of its own, as clients of the original document expect. */
export class EventTypeTimeBucketResponse extends TimeBucketResponse {}

/** Same fields as `TimeBucketResponse`; a schema of its own, as clients of the original document expect. */
export class EndpointTimeBucketResponse extends TimeBucketResponse {}

/** Counters every stats response shares. "Attempt" is an attempt row, which keeps its identity across retries. */
export abstract class DeliveryCounterFields {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Attempts tried within the period, whatever their status now.' })
  total_attempts!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Attempts `pending` or `in_flight` now, whatever the period.' })
  total_pending!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Attempts tried within the period that ended `succeeded`.' })
  total_succeeded!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Attempts tried within the period that ended `failed`.' })
  total_failed!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Dead letters written within the period.' })
  total_dead_lettered!: number;

  @ApiProperty({
    type: 'number',
    format: 'double',
    minimum: 0,
    maximum: 1,
    description: '`total_succeeded / total_attempts`; 0 when there were no attempts.',
    example: 0.5,
  })
  success_rate!: number;
}

export class AppStatsResponse extends DeliveryCounterFields {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Messages created within the period.' })
  total_messages!: number;

  @ApiProperty({ type: [TimeBucketResponse], description: 'Non-empty buckets only, oldest first.' })
  time_series!: TimeBucketResponse[];
}

/** A message of the event type with the counters of its deliveries. */
export class RecentMessageResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  idempotency_key!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  attempts_created!: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  succeeded!: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  failed!: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  dead_lettered!: number;
}

export class EventTypeStatsResponse extends DeliveryCounterFields {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Messages of the event type created within the period.' })
  total_messages!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Enabled endpoints of the application subscribed to the event type.' })
  subscribed_endpoints!: number;

  @ApiProperty({
    type: [RecentMessageResponse],
    maxItems: 10,
    description: 'The 10 newest messages of the event type, newest first, whatever the period.',
  })
  recent_messages!: RecentMessageResponse[];

  @ApiProperty({ type: [EventTypeTimeBucketResponse], description: 'Non-empty buckets only, oldest first.' })
  time_series!: EventTypeTimeBucketResponse[];
}

export class EndpointStatsResponse extends DeliveryCounterFields {
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Failed HTTP tries since the last successful one, retried tries included.',
  })
  consecutive_failures!: number;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the last try was recorded; null before the first.' })
  last_delivery_at!: string | null;

  @ApiProperty({ type: 'string', enum: ['succeeded', 'failed'], nullable: true, description: 'Outcome of the last try; null before the first.' })
  last_status!: 'succeeded' | 'failed' | null;

  @ApiProperty({ type: [EndpointTimeBucketResponse], description: 'Non-empty buckets only, oldest first.' })
  time_series!: EndpointTimeBucketResponse[];
}
