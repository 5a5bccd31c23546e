import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  type Actor,
  DEFAULT_STATS_PERIOD,
  GetApplicationStatsQuery,
  GetEndpointStatsQuery,
  GetEventTypeStatsQuery,
  parseStatsPeriod,
  QueryBus,
  STATS_PERIODS,
} from '@pigeon/application';
import { TEST_EVENT_TYPE_NAME } from '@pigeon/domain';

import { CurrentActor } from '../auth/current-actor.decorator';
import { AppStatsResponse, EndpointStatsResponse, EventTypeStatsResponse } from '../dto/stats.dto';
import { ApiErrorResponses, ApiUuidParams } from '../http/openapi';
import { UuidPipe } from '../http/validation';
import { appStatsResponse, endpointStatsResponse, eventTypeStatsResponse } from '../presenters/stats.responses';

const PERIOD_DESCRIPTION =
  'Window ending now: `24h` with 1-hour buckets, `7d` with 6-hour buckets starting at 00, 06, 12 and 18 h UTC, ' +
  '`30d` with 1-day buckets starting at midnight UTC. Any other value is rejected with 400 instead of being read as `24h`.';

const COUNTERS_DESCRIPTION =
  'Counters come from the stored attempts, dead letters and messages, so they are exact however many workers run. ' +
  '`total_pending` ignores the period.';

function ApiPeriodQuery(): MethodDecorator {
  return ApiQuery({
    name: 'period',
    required: false,
    description: PERIOD_DESCRIPTION,
    schema: { type: 'string', enum: [...STATS_PERIODS], default: DEFAULT_STATS_PERIOD },
  });
}

@ApiTags('stats')
@ApiBearerAuth()
@Controller('api/v1/applications/:app_id')
export class StatsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('stats')
  @ApiOperation({ operationId: 'get_stats', summary: 'Delivery statistics of an application', description: COUNTERS_DESCRIPTION })
  @ApiUuidParams('app_id')
  @ApiPeriodQuery()
  @ApiOkResponse({ type: AppStatsResponse })
  @ApiErrorResponses(400, 401, 404, 503)
  async application(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Query() query: Record<string, unknown>) {
    const stats = await this.queries.execute(new GetApplicationStatsQuery(appId, parseStatsPeriod(query.period)), actor);

    return appStatsResponse(stats);
  }

  @Get('event-types/:id/stats')
  @ApiOperation({
    operationId: 'get_event_type_stats',
    summary: 'Delivery statistics of an event type',
    description: `${COUNTERS_DESCRIPTION} Also returns stats for the hidden \`${TEST_EVENT_TYPE_NAME}\` event type.`,
  })
  @ApiUuidParams('app_id', 'id')
  @ApiPeriodQuery()
  @ApiOkResponse({ type: EventTypeStatsResponse })
  @ApiErrorResponses(400, 401, 404, 503)
  async eventType(
    @CurrentActor() actor: Actor,
    @Param('app_id', UuidPipe) appId: string,
    @Param('id', UuidPipe) id: string,
    @Query() query: Record<string, unknown>,
  ) {
    const stats = await this.queries.execute(new GetEventTypeStatsQuery(appId, id, parseStatsPeriod(query.period)), actor);

    return eventTypeStatsResponse(stats);
  }

  @Get('endpoints/:id/stats')
  @ApiOperation({ operationId: 'get_endpoint_stats', summary: 'Delivery statistics of an endpoint', description: COUNTERS_DESCRIPTION })
  @ApiUuidParams('app_id', 'id')
  @ApiPeriodQuery()
  @ApiOkResponse({ type: EndpointStatsResponse })
  @ApiErrorResponses(400, 401, 404, 503)
  async endpoint(
    @CurrentActor() actor: Actor,
    @Param('app_id', UuidPipe) appId: string,
    @Param('id', UuidPipe) id: string,
    @Query() query: Record<string, unknown>,
  ) {
    const stats = await this.queries.execute(new GetEndpointStatsQuery(appId, id, parseStatsPeriod(query.period)), actor);

    return endpointStatsResponse(stats);
  }
}
