import express from 'express';
import pino from 'pino';
import request from 'supertest';

import { requestLogMiddleware } from '../../src/http/request-log';

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  req?: { method: string; url: string };
  res?: { statusCode: number };
  responseTime?: number;
}

function appLoggingAt(level: string) {
  const lines: LogLine[] = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  const sut = express();
  sut.use(requestLogMiddleware(logger));
  sut.get('/ok', (_request, response) => {
    response.status(200).send('ok');
  });
  sut.get('/broken', (_request, response) => {
    response.status(503).send('down');
  });
  sut.get('/health', (_request, response) => {
    response.status(200).send('healthy');
  });

  return { sut, lines };
}

describe('requestLogMiddleware', () => {
  it('logs a finished request at info', async () => {
    const { sut, lines } = appLoggingAt('info');

    await request(sut).get('/ok?limit=5').set('x-request-id', 'req-1');

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      requestId: 'req-1',
      req: { method: 'GET', url: '/ok?limit=5' },
      res: { statusCode: 200 },
    });
    expect(lines[0]!.responseTime).toBeGreaterThanOrEqual(0);
  });

  it('logs a 5xx at error', async () => {
    const { sut, lines } = appLoggingAt('info');

    await request(sut).get('/broken').set('x-request-id', 'req-2');

    expect(lines).toEqual([expect.objectContaining({ level: 50, msg: 'request errored', requestId: 'req-2', res: { statusCode: 503 } })]);
  });

  it('leaves out health probes', async () => {
    const { sut, lines } = appLoggingAt('info');

    await request(sut).get('/health');

    expect(lines).toEqual([]);
  });

  it('logs only 5xx at warn', async () => {
    const { sut, lines } = appLoggingAt('warn');

    await request(sut).get('/ok');
    await request(sut).get('/broken');

    expect(lines.map((line) => line.msg)).toEqual(['request errored']);
  });
});
