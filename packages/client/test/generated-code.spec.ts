import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const packageDir = path.resolve(__dirname, '..');
const committedDir = path.join(packageDir, 'src', 'generated');
const generator = path.join(packageDir, 'node_modules', '.bin', 'openapi-ts');

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe('generated client in src/generated', () => {
  let freshDir: string;

  beforeAll(() => {
    freshDir = mkdtempSync(path.join(tmpdir(), 'pigeon-client-'));
    const result = spawnSync(generator, ['--file', 'openapi-ts.config.mjs', '--silent', '--no-log-file'], {
      cwd: packageDir,
      env: { ...process.env, PIGEON_CLIENT_OUTPUT: freshDir },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (result.status !== 0) {
      throw new Error(`openapi-ts failed with status ${String(result.status)}: ${result.stderr}${result.stdout}`);
    }
  }, 150_000);

  afterAll(() => {
    rmSync(freshDir, { recursive: true, force: true });
  });

  it('has the files a fresh generation has', () => {
    expect(listFiles(committedDir)).toEqual(listFiles(freshDir));
  });

  it('matches a fresh generation from docs/openapi.json', () => {
    const stale = listFiles(freshDir).filter((file) => {
      const committedFile = path.join(committedDir, file);

      return !existsSync(committedFile) || readFileSync(committedFile, 'utf8') !== readFileSync(path.join(freshDir, file), 'utf8');
    });

    if (stale.length > 0) {
      throw new Error(`the generated client is out of date in ${stale.join(', ')}: run \`just client\` and commit the result`);
    }
  });
});
