import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Metrics } from '@pigeon/application';
import type { Response } from 'express';

import { Public } from '../auth/public.decorator';

@ApiTags('metrics')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @ApiOperation({ operationId: 'metrics', summary: 'Prometheus metrics of this process' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ type: String, description: 'Prometheus text exposition format 0.0.4.' })
  async scrape(@Res() response: Response): Promise<void> {
    const exposition = await this.metrics.expose();

    // Written directly: Express would re-order the content type's parameters.
    response.status(200).setHeader('content-type', exposition.contentType);
    response.end(exposition.body);
  }
}
