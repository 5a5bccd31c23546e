import { Writable } from 'node:stream';

import pino from 'pino';

import { PinoLogger } from '../../src';

function captureLines() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });

  return { lines, logger: pino({ level: 'debug' }, stream) };
}

describe('PinoLogger', () => {
  it('writes the message and fields', () => {
    const { lines, logger } = captureLines();
    const sut = new PinoLogger(logger);

    sut.warn('delivery failed, will retry', { attemptId: 'a-1' });

    expect(lines[0]).toMatchObject({ level: 40, msg: 'delivery failed, will retry', attemptId: 'a-1' });
  });

  it('adds the context fields of the moment of the call', () => {
    const { lines, logger } = captureLines();
    let requestId: string | null = 'req-1';
    const sut = new PinoLogger(logger, () => (requestId === null ? {} : { requestId }));

    sut.info('first');
    requestId = null;
    sut.info('second');

    expect(lines[0]?.requestId).toBe('req-1');
    expect(lines[1]).not.toHaveProperty('requestId');
  });

  it('keeps the context fields in a child', () => {
    const { lines, logger } = captureLines();
    const sut = new PinoLogger(logger, () => ({ requestId: 'req-2' })).child({ component: 'jwks' });

    sut.error('JWKS fetch failed');

    expect(lines[0]).toMatchObject({ component: 'jwks', requestId: 'req-2' });
  });
});
