import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

import type { ErrorBody } from './error-body';

interface ClientError extends Error {
  code?: string;
}

/** Node's per-socket state; `_httpMessage` is the response in progress on a keep-alive connection. */
interface HttpSocket extends Duplex {
  _httpMessage?: { headersSent?: boolean } | null;
}

function statusOf(error: ClientError): { status: number; message: string } {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, message: 'request line or headers are too large' };
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, message: 'request headers were not received in time' };
  }

  return { status: 400, message: 'malformed HTTP request' };
}

/**
 * Sends the JSON error body for requests that Node's HTTP parser rejects before
 * any handler runs (a URL or headers over the 16 KiB default limit, invalid
 * syntax, a header timeout) and for unsupported `Expect` headers, where Node
 * alone would send an empty body.
 */
export function answerClientErrorsWithJson(server: Server): void {
  server.on('clientError', (error: ClientError, socket: HttpSocket) => {
    // As Node's own handler: write nothing into a response already under way, or to a peer that is gone.
    if (error.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) {
      socket.destroy();

      return;
    }

    const { status, message } = statusOf(error);
    const body = JSON.stringify({ error: message, code: 'bad_request' } satisfies ErrorBody);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\n` +
        'Content-Type: application/json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });

  server.on('checkExpectation', (_request: IncomingMessage, response: ServerResponse) => {
    const body = JSON.stringify({ error: 'the Expect header supports only 100-continue', code: 'bad_request' } satisfies ErrorBody);
    response.writeHead(417, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
}
