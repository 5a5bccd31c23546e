import { createServer, type Server } from 'node:http';

/** A local webhook receiver for `pigeon dev`: it prints each delivery it gets and answers 204. */
export interface DevReceiver {
  readonly url: string;
  stop(): Promise<void>;
}

export function startDevReceiver(port: number, print: (line: string) => void): Promise<DevReceiver> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];

    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const preview = body.length > 200 ? `${body.slice(0, 200)}...` : body;

      print(
        `webhook received: ${request.method ?? 'POST'} ${request.url ?? '/'} ` +
          `event=${String(request.headers['x-pigeon-event-type'])} try=${String(request.headers['x-pigeon-attempt'])} ` +
          `id=${String(request.headers['webhook-id'])} body=${preview}`,
      );
      response.writeHead(204).end();
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} for the example receiver is in use: set PIGEON_DEV_RECEIVER_PORT to a free port`
            : `the example receiver could not start: ${error.message}`,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${port}/webhook`,
        stop: () => new Promise<void>((done) => server.close(() => done())),
      }),
    );
  });
}
