// Container health check of the Pigeon server image: exits 0 when
// GET /health/ready returns 200 on the address PIGEON_LISTEN_ADDR names, 1 otherwise.
// `serve` and `api` serve the route on their API listener, `worker` on its probe listener.
'use strict';

const TIMEOUT_MS = 4000;

const listenAddress = process.env.PIGEON_LISTEN_ADDR || '0.0.0.0:3000';
const match = /^(.+):(\d{1,5})$/.exec(listenAddress);
const listenHost = match ? match[1].replace(/^\[(.*)\]$/, '$1') : '0.0.0.0';
const port = match ? match[2] : '3000';

// A wildcard listener also accepts connections on loopback.
let host = listenHost === '0.0.0.0' || listenHost === '::' ? '127.0.0.1' : listenHost;
if (host.includes(':')) {
  host = `[${host}]`;
}

fetch(`http://${host}:${port}/health/ready`, { signal: AbortSignal.timeout(TIMEOUT_MS) }).then(
  (response) => process.exit(response.status === 200 ? 0 : 1),
  () => process.exit(1),
);
