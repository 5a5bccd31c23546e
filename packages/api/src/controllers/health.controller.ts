import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';

import { Public } from '../auth/public.decorator';
import { ReadinessCheck } from '../readiness';

@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessCheck) {}

  @Get()
  @HttpCode(200)
  liveness() {
    return { status: 'healthy' };
  }

  @Get('ready')
  async readinessProbe(@Res({ passthrough: true }) response: Response) {
    const ready = await this.readiness.isReady();
    response.status(ready ? 200 : 503);

    return { status: ready ? 'ready' : 'not ready' };
  }
}
