import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { Public } from '../auth/public.decorator';
import { HealthResponse } from '../dto/responses.dto';
import { ReadinessCheck } from '../readiness';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessCheck) {}

  @Get()
  @HttpCode(200)
  @ApiOperation({ operationId: 'liveness', summary: 'Report that the process is up' })
  @ApiOkResponse({ type: HealthResponse, description: '`{"status": "healthy"}`, always.' })
  liveness() {
    return { status: 'healthy' };
  }

  @Get('ready')
  @ApiOperation({ operationId: 'readiness', summary: 'Report whether the database answers' })
  @ApiOkResponse({ type: HealthResponse, description: '`{"status": "ready"}`' })
  @ApiServiceUnavailableResponse({ type: HealthResponse, description: '`{"status": "not ready"}`' })
  async readinessProbe(@Res({ passthrough: true }) response: Response) {
    const ready = await this.readiness.isReady();
    response.status(ready ? 200 : 503);

    return { status: ready ? 'ready' : 'not ready' };
  }
}
