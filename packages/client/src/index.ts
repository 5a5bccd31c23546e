/**
 * Typed client for the Pigeon HTTP API, generated from `docs/openapi.json` by
 * `just client`. Each operation is a function named after its operation id, so
 * `create_application` is `createApplication`. Pass it `{ client }`, made with
 * `createClient({ baseUrl, auth })`, to call a given server with a bearer token.
 */
export * from './generated/index.js';
export { client } from './generated/client.gen.js';
export { type Client, type Config, createClient, createConfig } from './generated/client/index.js';
