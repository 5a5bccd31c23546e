import type {
  ApplicationStats,
  DeliveryCounts,
  EndpointStats,
  EventTypeStats,
  RecentMessage,
  StatsBucket,
  WithSuccessRate,
} from '@pigeon/application';

import type {
  AppStatsResponse,
  DeliveryCounterFields,
  EndpointStatsResponse,
  EventTypeStatsResponse,
  RecentMessageResponse,
  TimeBucketResponse,
} from '../dto/stats.dto';

// Built field by field like the other presenters, so a field added to the stats
// types stays out of the response until it is listed here.

function timeBucketResponse(bucket: StatsBucket): TimeBucketResponse {
  return { bucket: bucket.bucket.toISOString(), succeeded: bucket.succeeded, failed: bucket.failed };
}

function deliveryCounterFields(stats: WithSuccessRate<DeliveryCounts>): DeliveryCounterFields {
  return {
    total_attempts: stats.totalAttempts,
    total_pending: stats.totalPending,
    total_succeeded: stats.totalSucceeded,
    total_failed: stats.totalFailed,
    total_dead_lettered: stats.totalDeadLettered,
    success_rate: stats.successRate,
  };
}

function recentMessageResponse(message: RecentMessage): RecentMessageResponse {
  return {
    id: message.id,
    idempotency_key: message.idempotencyKey,
    created_at: message.createdAt.toISOString(),
    attempts_created: message.attemptsCreated,
    succeeded: message.succeeded,
    failed: message.failed,
    dead_lettered: message.deadLettered,
  };
}

export function appStatsResponse(stats: WithSuccessRate<ApplicationStats>): AppStatsResponse {
  return {
    total_messages: stats.totalMessages,
    ...deliveryCounterFields(stats),
    time_series: stats.timeSeries.map(timeBucketResponse),
  };
}

export function eventTypeStatsResponse(stats: WithSuccessRate<EventTypeStats>): EventTypeStatsResponse {
  return {
    total_messages: stats.totalMessages,
    ...deliveryCounterFields(stats),
    subscribed_endpoints: stats.subscribedEndpoints,
    recent_messages: stats.recentMessages.map(recentMessageResponse),
    time_series: stats.timeSeries.map(timeBucketResponse),
  };
}

export function endpointStatsResponse(stats: WithSuccessRate<EndpointStats>): EndpointStatsResponse {
  return {
    ...deliveryCounterFields(stats),
    consecutive_failures: stats.consecutiveFailures,
    last_delivery_at: stats.lastDeliveryAt?.toISOString() ?? null,
    last_status: stats.lastStatus,
    time_series: stats.timeSeries.map(timeBucketResponse),
  };
}
