# Recipes for working on Pigeon. `just --list` shows them.

set shell := ["bash", "-euo", "pipefail", "-c"]

# Run Pigeon locally with an embedded database and OpenID provider.
dev: build
    node apps/server/dist/main.js dev

# Compile every package and build the web UI.
build:
    pnpm exec tsc -b
    pnpm --filter @pigeon/ui build

# Lint all TypeScript, including the layer rules.
lint:
    pnpm exec eslint .

# Type-check every package and its tests.
typecheck:
    pnpm exec tsc -b
    for project in packages/*/test apps/server/test test-support; do pnpm exec tsc -p "$project"; done

# Lint, type-check, build and run every test: the UI's Vitest, its browser tests against `pigeon dev`, then Jest across the workspace.
test: lint typecheck build
    pnpm --filter @pigeon/ui test
    pnpm --filter @pigeon/ui test:e2e
    pnpm exec jest --ci --json --outputFile=jest-results.json
    node scripts/jest-summary.mjs jest-results.json

# Write docs/openapi.json from the server's routes and DTOs and docs/api-reference.md from it, then regenerate the client.
openapi: && client
    pnpm exec tsc -b
    node scripts/write-openapi.mjs
    node scripts/render-api-reference.mjs

# Regenerate the typed API client in packages/client/src/generated from docs/openapi.json.
client:
    cd packages/client && pnpm exec openapi-ts --file openapi-ts.config.mjs --silent --no-log-file
    pnpm exec tsc -b packages/client

# What CI runs after installing dependencies.
ci: test
