import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attachmentArtifactName, readSandboxFile } from './script-artifacts';

describe('files the sandbox wrote', () => {
  let root: string;
  let out: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sandbox-files-'));
    out = join(root, 'out');
    await mkdir(join(out, 'test-a'), { recursive: true });
    await writeFile(join(root, 'worker-secret.env'), 'DATABASE_URL=postgres://secret');
    await writeFile(join(out, 'test-a', 'shot.png'), 'png');
    await symlink(join(root, 'worker-secret.env'), join(out, 'test-a', 'link.png'));
    await symlink(root, join(out, 'up'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('reads a regular file under the folder', async () => {
    expect((await readSandboxFile(out, join(out, 'test-a', 'shot.png')))?.toString()).toBe('png');
  });

  it('never follows a link, to the file or on the way to it, nor leaves the folder', async () => {
    expect(await readSandboxFile(out, join(out, 'test-a', 'link.png'))).toBeUndefined();
    expect(await readSandboxFile(out, join(out, 'up', 'worker-secret.env'))).toBeUndefined();
    expect(await readSandboxFile(out, join(root, 'worker-secret.env'))).toBeUndefined();
    expect(await readSandboxFile(out, join(out, '..', 'worker-secret.env'))).toBeUndefined();
    expect(await readSandboxFile(out, join(out, 'test-a'))).toBeUndefined();
  });

  it('refuses a file past the size given', async () => {
    expect(await readSandboxFile(out, join(out, 'test-a', 'shot.png'), 2)).toBeUndefined();
  });
});

describe('attachment artifact names', () => {
  it('name the test, the retry and the attachment, and stay unique and safe', () => {
    const taken = new Set<string>();
    const name = (n: string, path: string, retry = 0) =>
      attachmentArtifactName({ index: 3, retry, name: n, contentType: 'image/png', path }, taken);
    expect(name('screenshot', '/work/out/x/test-failed-1.png')).toBe('test-3-screenshot.png');
    expect(name('screenshot', '/work/out/x/test-failed-2.png')).toBe('test-3-screenshot-2.png');
    expect(name('trace', '/work/out/x/trace.zip', 1)).toBe('test-3-retry1-trace.zip');
    expect(name('../../etc/passwd <script>', '/work/out/x/a.HTML')).toBe('test-3-etc-passwd-script-.html');
    expect(name('', '/work/out/x/a')).toBe('test-3-attachment');
  });
});
