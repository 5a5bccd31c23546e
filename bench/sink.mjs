#!/usr/bin/env node
// A fast webhook receiver for the bench, listening on 127.0.0.1 only.
//
// Adapted from sink.mjs of the pigeon-bench kit 0.1.0, which declares no
// license of its own; this adaptation is distributed under this repository's
// license, AGPL-3.0-only. Changes: a signing secret per request path, a
// comma-separated list of signatures in X-Pigeon-Signature, and no failure or
// latency injection.
//
//   node bench/sink.mjs --port 9101 [--secret S] [--max-seconds 1800] [--max-records 2000000]
//   SINK_SECRETS='{"/e/1":"whsec_...","/e/2":"whsec_..."}' node bench/sink.mjs --port 9101
//
// Every POST is a delivery. It is timed on arrival, identified by (request path,
// message id from `webhook-id` or `X-Pigeon-Message-Id`), and its
// X-Pigeon-Signature (`sha256=<hex HMAC-SHA256 of the raw body>`, several
// separated by commas during a secret rotation) is checked with the secret of
// its path from SINK_SECRETS, else with --secret. A valid delivery gets 200, a
// bad signature 401.
//
// Control routes: GET /stats (JSON), GET /receipts (tab-separated path, message
// id and receive time in epoch milliseconds, first receipt of each delivery),
// POST /reset, GET /health.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

import { nowMs, parseOptions } from './lib/util.mjs';

const options = parseOptions(process.argv.slice(2), {
  port: 9101,
  secret: '',
  maxSeconds: 1800,
  maxRecords: 2_000_000,
});
const secretsByPath = JSON.parse(process.env.SINK_SECRETS ?? '{}');
const defaultSecret = options.secret === '' ? null : String(options.secret);

let count = 0;
let badSignature = 0;
let missingId = 0;
let duplicates = 0;
let firstReceiveMs = null;
let lastReceiveMs = null;
/** "path|message id" of every delivery seen, with how often it arrived. */
let seen = new Map();
let receiptKeys = [];
let receiptTimes = new Float64Array(1 << 16);
let receiptCount = 0;

function reset() {
  count = badSignature = missingId = duplicates = 0;
  firstReceiveMs = lastReceiveMs = null;
  seen = new Map();
  receiptKeys = [];
  receiptTimes = new Float64Array(1 << 16);
  receiptCount = 0;
}

function record(key, receivedAt) {
  const times = seen.get(key);
  if (times !== undefined) {
    seen.set(key, times + 1);
    duplicates++;

    return;
  }
  // Memory stays bounded; the counters still advance past the limit.
  if (seen.size >= options.maxRecords) {
    return;
  }

  seen.set(key, 1);
  if (receiptCount === receiptTimes.length) {
    const larger = new Float64Array(receiptTimes.length * 2);
    larger.set(receiptTimes);
    receiptTimes = larger;
  }
  receiptKeys.push(key);
  receiptTimes[receiptCount++] = receivedAt;
}

function signatureIsValid(path, header, body) {
  const secret = secretsByPath[path] ?? defaultSecret;
  if (secret === null) {
    return true;
  }
  if (typeof header !== 'string') {
    return false;
  }

  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);

  return header.split(',').some((part) => {
    const signature = Buffer.from(part.trim());

    return signature.length === expected.length && timingSafeEqual(signature, expected);
  });
}

function onDelivery(request, response, receivedAt, body) {
  count++;
  firstReceiveMs ??= receivedAt;
  lastReceiveMs = receivedAt;

  const id = request.headers['webhook-id'] ?? request.headers['x-pigeon-message-id'];
  if (id === undefined) {
    missingId++;
  } else {
    record(`${request.url}|${id}`, receivedAt);
  }

  const valid = signatureIsValid(request.url, request.headers['x-pigeon-signature'], body);
  if (!valid) {
    badSignature++;
  }
  response.writeHead(valid ? 200 : 401, { 'content-length': '0' });
  response.end();
}

function stats() {
  return {
    count,
    distinct: seen.size,
    duplicates,
    badSignature,
    missingId,
    firstReceiveMs,
    lastReceiveMs,
    pid: process.pid,
    rssMiB: Math.round(process.memoryUsage().rss / 1048576),
  };
}

function writeReceipts(response) {
  response.writeHead(200, { 'content-type': 'text/tab-separated-values' });
  const chunkSize = 20_000;
  for (let start = 0; start < receiptCount; start += chunkSize) {
    let text = '';
    for (let i = start; i < Math.min(receiptCount, start + chunkSize); i++) {
      const key = receiptKeys[i];
      const bar = key.lastIndexOf('|');
      text += `${key.slice(0, bar)}\t${key.slice(bar + 1)}\t${receiptTimes[i].toFixed(3)}\n`;
    }
    response.write(text);
  }
  response.end();
}

const server = http.createServer((request, response) => {
  const receivedAt = nowMs();

  if (request.method === 'POST' && request.url === '/reset') {
    reset();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"ok":true}');
  } else if (request.method === 'POST') {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => onDelivery(request, response, receivedAt, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
  } else if (request.url === '/stats') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(stats()));
  } else if (request.url === '/receipts') {
    writeReceipts(response);
  } else if (request.url === '/health') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"ok":true}');
  } else {
    response.writeHead(404, { 'content-length': '0' });
    response.end();
  }
});
server.keepAliveTimeout = 65_000;
server.headersTimeout = 70_000;
server.requestTimeout = 0;

function shutdown() {
  server.close();
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 200).unref();
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
setTimeout(() => {
  console.error(`sink: stopping after --max-seconds ${options.maxSeconds}`);
  shutdown();
}, options.maxSeconds * 1000).unref();

server.listen(options.port, '127.0.0.1', () => {
  console.error(`sink: listening on http://127.0.0.1:${options.port}, pid ${process.pid}`);
});
