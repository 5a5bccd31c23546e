import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import express from 'express';
import request from 'supertest';

import { webConsoleMiddleware } from '../../src/http/web-console';

describe('webConsoleMiddleware', () => {
  let directory: string;
  let sut: express.Express;

  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'web-console-'));
    mkdirSync(path.join(directory, 'assets'));
    writeFileSync(path.join(directory, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(path.join(directory, 'assets', 'index-abc123.js'), 'console.log(1)');

    sut = express();
    sut.use(webConsoleMiddleware(directory));
    sut.use((_request, response) => {
      response.status(404).json({ error: 'no route', code: 'not_found' });
    });
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('serves index.html at the root', async () => {
    const response = await request(sut).get('/');

    expect(response.status).toBe(200);
    expect(response.text).toContain('<title>console</title>');
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('serves index.html for a client-side route', async () => {
    const response = await request(sut).get('/applications/0b9a3c52/messages');

    expect(response.status).toBe(200);
    expect(response.text).toContain('<title>console</title>');
  });

  it('serves a hashed asset as immutable', async () => {
    const response = await request(sut).get('/assets/index-abc123.js');

    expect(response.status).toBe(200);
    expect(response.text).toBe('console.log(1)');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it.each(['/assets/missing.js', '/api/v1/nothing', '/admin/v1/x', '/health/x', '/metrics/x'])('passes %s on', async (route) => {
    const response = await request(sut).get(route);

    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: 'no route', code: 'not_found' });
  });

  it('passes other methods on', async () => {
    const response = await request(sut).post('/applications');

    expect(response.status).toBe(404);
    expect(response.body.code).toBe('not_found');
  });
});
