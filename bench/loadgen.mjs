#!/usr/bin/env node
// K concurrent keep-alive clients POST N messages to an ingest API on 127.0.0.1.
//
// Adapted from loadgen.mjs of the pigeon-bench kit 0.1.0, which declares no
// license of its own; this adaptation is distributed under this repository's
// license, AGPL-3.0-only. Changes: node:http in place of undici (the bench
// uses only packages the workspace already installs), a configurable path and
// body shape, and a bearer token from BENCH_TOKEN.
//
//   BENCH_TOKEN=... node bench/loadgen.mjs --url http://127.0.0.1:3000/api/v1/applications/APP/messages
//       --event-type-id ID --n 20000 --k 32 [--payload-bytes 512] [--rate 0] [--max-seconds 300]
//   node bench/loadgen.mjs --url http://127.0.0.1:9201/messages --event-type order.created ...
//
// With --event-type-id the body is `{"event_type_id": ID, "payload": {...}}`
// (Pigeon's API); with --event-type it is `{"event_type": NAME, "payload": {...}}`
// (the kit's minimal API). The payload is the same in both: an order padded so
// that `{"event_type":"order.created","payload":...}` is about --payload-bytes.
//
// Closed loop by default: each client sends its next message as soon as the
// previous one is answered. --rate R makes it open loop: message i is due at
// start + i/R seconds, still with at most K in flight, and the worst lateness
// is reported. Prints one JSON line on stdout.
import http from 'node:http';

import { nowMs, parseOptions, percentiles } from './lib/util.mjs';

const options = parseOptions(process.argv.slice(2), {
  url: '',
  eventTypeId: '',
  eventType: '',
  n: 1000,
  k: 32,
  payloadBytes: 512,
  rate: 0,
  maxSeconds: 300,
  requestTimeoutMs: 30_000,
});
const target = new URL(options.url);
if (target.hostname !== '127.0.0.1') {
  console.error(`loadgen: --url must point at 127.0.0.1, got ${target.hostname}`);
  process.exit(2);
}
if ((options.eventTypeId === '') === (options.eventType === '')) {
  console.error('loadgen: give exactly one of --event-type-id (Pigeon) and --event-type (minimal API)');
  process.exit(2);
}

const PADDED_EVENT_TYPE = 'order.created';

function messageBody(index) {
  const payload = {
    id: `ord_${index}`,
    amount: 1000 + (index % 9000),
    currency: 'usd',
    customer: { id: `cus_${index % 977}`, email: `c${index % 977}@example.test` },
    items: [
      { sku: 'sku_1', qty: 1 + (index % 3), price: 499 },
      { sku: 'sku_2', qty: 1, price: 1299 },
    ],
    note: '',
  };
  const unpadded = JSON.stringify({ event_type: PADDED_EVENT_TYPE, payload }).length;
  payload.note = 'x'.repeat(Math.max(0, options.payloadBytes - unpadded));

  return options.eventTypeId === ''
    ? JSON.stringify({ event_type: options.eventType, payload })
    : JSON.stringify({ event_type_id: options.eventTypeId, payload });
}

// FIFO keeps every pooled socket in use. With the default LIFO order, an open-loop
// run leaves most sockets idle past the server's keep-alive timeout (5 s in Node),
// and a request sent on a socket the server is just closing fails with ECONNRESET.
const agent = new http.Agent({ keepAlive: true, maxSockets: options.k, scheduling: 'fifo' });
const headers = { 'content-type': 'application/json' };
if (process.env.BENCH_TOKEN) {
  headers.authorization = `Bearer ${process.env.BENCH_TOKEN}`;
}

/** Resolves with the status and, for a failure, the start of the response body. */
function post(body) {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      target,
      { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) }, timeout: options.requestTimeoutMs },
      (response) => {
        let text = '';
        response.on('data', (chunk) => {
          if (response.statusCode >= 300 && text.length < 300) {
            text += chunk.toString('utf8');
          }
        });
        response.on('end', () => resolve({ status: response.statusCode, text }));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`request timed out after ${options.requestTimeoutMs} ms`)));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const latencies = [];
const errorSamples = [];
let next = 0;
let ok = 0;
let errors = 0;
let lateMsMax = 0;
const startMs = nowMs();
const deadline = startMs + options.maxSeconds * 1000;
const cpuAtStart = process.cpuUsage();

function noteError(text) {
  errors++;
  if (errorSamples.length < 5) {
    errorSamples.push(text);
  }
}

async function client() {
  while (next < options.n && nowMs() < deadline) {
    const index = next++;

    if (options.rate > 0) {
      const wait = startMs + (index * 1000) / options.rate - nowMs();
      if (wait > 1) {
        await new Promise((resolve) => setTimeout(resolve, wait));
      } else {
        lateMsMax = Math.max(lateMsMax, -wait);
      }
    }

    const sentAt = nowMs();
    try {
      const { status, text } = await post(messageBody(index));
      if (status >= 200 && status < 300) {
        ok++;
      } else {
        noteError(`HTTP ${status}: ${text}`);
      }
    } catch (error) {
      noteError(error.message);
    }
    latencies.push(nowMs() - sentAt);
  }
}

await Promise.all(Array.from({ length: options.k }, client));
const endMs = nowMs();
agent.destroy();
const cpu = process.cpuUsage(cpuAtStart);
const seconds = (endMs - startMs) / 1000;

console.log(
  JSON.stringify({
    n: options.n,
    k: options.k,
    rate: options.rate,
    sent: Math.min(next, options.n),
    ok,
    errors,
    errorSamples,
    startMs,
    endMs,
    seconds,
    msgsPerSec: ok / seconds,
    requestLatencyMs: percentiles(latencies),
    lateMsMax,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  }),
);
