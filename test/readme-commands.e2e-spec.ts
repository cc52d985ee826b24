import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { baseEnv, TEST_API_KEY } from './helpers/test-env';

const ROOT = join(__dirname, '..');

/** The README's browser-run commands, as a user pastes them from the repository root. */
describe("README's run commands", () => {
  let api: AppProcess;
  let port: number;
  let scratch: string;

  beforeAll(async () => {
    port = await freePort();
    // No worker: the run stays queued, so it has no screenshot and no trace to download.
    api = new AppProcess({ env: baseEnv({ APP_PORT: String(port), ALLOWED_PRIVATE_HOSTS: '127.0.0.1' }) });
    await api.waitHealthy(`http://127.0.0.1:${port}/api/health`);
    scratch = mkdtempSync(join(tmpdir(), 'stevedore-readme-'));
  });

  afterAll(async () => {
    await api?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('leave nothing in the repository root and save no error body as a file', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Browser test runs'));
    const block = section.slice(
      section.indexOf('```bash\n') + 8,
      section.indexOf('\n```', section.indexOf('```bash\n')),
    );
    expect(block).toContain('/artifacts/trace.zip');
    const script = `KEY=${TEST_API_KEY}\n${block.replaceAll('localhost:3000', `127.0.0.1:${port}`)}`;
    const before = readdirSync(ROOT).sort();

    // TMPDIR: mktemp -d makes the README's scratch directory where the test can look at it.
    const result = spawnSync('bash', ['-c', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TMPDIR: scratch },
      encoding: 'utf8',
    });

    expect(readdirSync(ROOT).sort()).toEqual(before);
    expect(result.stdout).toContain('"status":"queued"');
    expect(result.stdout).toContain('"cancelRequested":true');
    expect(result.stderr.match(/returned error: 404/g)).toHaveLength(2);
    const [work] = readdirSync(scratch);
    expect(readdirSync(join(scratch, work!)).sort()).toEqual(['created.json', 'run.json']);
  });
});
