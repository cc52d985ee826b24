import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { S3TestServer } from '../../test/helpers/s3-server';
import { parseEnv } from '../config/env.schema';
import { ArtifactStore, readAll } from './artifact-store';
import { LocalArtifactStore } from './local-artifact-store';
import { S3ArtifactStore } from './s3-artifact-store';

const env = (extra: Record<string, string>) =>
  parseEnv({ API_KEYS: 'k'.repeat(32), BULL_BOARD_PASSWORD: 'password', ...extra });

/** What both backends must do alike: the worker stages and publishes, the API reads by key. */
describe.each(['local', 's3'] as const)('%s artifact store', (backend) => {
  let dir: string;
  let s3: S3TestServer | undefined;
  let store: ArtifactStore;

  beforeAll(async () => {
    if (backend === 's3') s3 = await new S3TestServer().start();
  });
  afterAll(async () => {
    if (store instanceof S3ArtifactStore) store.close();
    await s3?.stop();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-store-'));
    if (store instanceof S3ArtifactStore) store.close();
    store = s3 ? new S3ArtifactStore(env({ ARTIFACTS_DIR: dir, ...s3.env })) : new LocalArtifactStore(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const stage = async (key: string, bytes: Buffer | string) => {
    const path = store.stagingPath(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  };
  const text = async (key: string, range?: { start: number; end: number }) => {
    const read = await store.get(key, range);
    return read && { size: read.size, body: (await readAll(read)).toString('utf8') };
  };

  it('publishes a staged file, reads it whole or by range, and reports its size', async () => {
    await stage('runs/r1/video.webm', '0123456789');
    await store.publish('runs/r1/video.webm', 'video/webm');
    expect(await store.head('runs/r1/video.webm')).toEqual({ size: 10, contentType: 'video/webm' });
    expect(await text('runs/r1/video.webm')).toEqual({ size: 10, body: '0123456789' });
    expect(await text('runs/r1/video.webm', { start: 2, end: 4 })).toEqual({ size: 10, body: '234' });
    // Object storage keeps no copy on the worker once uploaded; the local folder is the store.
    const left = await readdir(join(dir, 'runs', 'r1')).catch(() => []);
    expect(left).toEqual(backend === 's3' ? [] : ['video.webm']);
  });

  it('puts buffers and streams, and answers undefined for what is not there', async () => {
    await store.put('runs/r2/a.png', Buffer.from('png'), 'image/png');
    await store.put('runs/r2/b.xml', Readable.from([Buffer.from('<a/>')]), 'application/xml');
    expect(await text('runs/r2/a.png')).toEqual({ size: 3, body: 'png' });
    expect(await text('runs/r2/b.xml')).toEqual({ size: 4, body: '<a/>' });
    expect(await store.exists('runs/r2/a.png')).toBe(true);
    expect(await store.exists('runs/r2/missing.png')).toBe(false);
    expect(await store.head('runs/r2/missing.png')).toBeUndefined();
    expect(await store.get('runs/r2/missing.png')).toBeUndefined();
    await store.delete('runs/r2/a.png');
    expect(await store.exists('runs/r2/a.png')).toBe(false);
  });

  it("publishes a whole staged folder (a script run's report) and deletes by prefix", async () => {
    await stage('runs/r3/junit.xml', '<x/>');
    await stage('runs/r3/report/report.zip', 'zip');
    await stage('runs/r3/report/data/abc.png', 'img');
    await stage('runs/r30/other.png', 'not this run');
    await store.publishFolder('runs/r3/');
    await store.publishFolder('runs/r30/');
    expect(await text('runs/r3/report/data/abc.png')).toEqual({ size: 3, body: 'img' });
    expect(await store.exists('runs/r3/junit.xml')).toBe(true);
    await store.deletePrefix('runs/r3/');
    expect(await store.exists('runs/r3/report/report.zip')).toBe(false);
    expect(await store.exists('runs/r30/other.png')).toBe(true);
  });

  it('publishes by content: object storage keeps identical files once, the folder keeps its paths', async () => {
    await stage('runs/r6/shot.png', 'same bytes');
    await stage('runs/r7/shot.png', 'same bytes');
    const first = await store.publishContent('runs/r6/shot.png', 'image/png');
    const second = await store.publishContent('runs/r7/shot.png', 'image/png');
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(second.sha256).toBe(first.sha256);
    if (backend === 's3') {
      expect([first.objectKey, second.objectKey]).toEqual([
        `blobs/sha256/${first.sha256}`,
        `blobs/sha256/${first.sha256}`,
      ]);
      expect(await readdir(join(dir, 'runs', 'r6')).catch(() => [])).toEqual([]);
    } else expect([first.objectKey, second.objectKey]).toEqual(['runs/r6/shot.png', 'runs/r7/shot.png']);
    expect(await text(second.objectKey)).toEqual({ size: 10, body: 'same bytes' });
  });

  if (backend === 's3')
    it('uploads content again when a retention sweep deleted it between the check and the row', async () => {
      await stage('runs/r8/shot.png', 'shared bytes');
      await stage('runs/r9/shot.png', 'shared bytes');
      const first = await store.publishContent('runs/r8/shot.png', 'image/png');
      // The sweep's delete lands after this worker found the object there, before its row is stored.
      const second = await store.publishContent('runs/r9/shot.png', 'image/png', () => store.delete(first.objectKey));
      expect(second.objectKey).toBe(first.objectKey);
      expect(await text(second.objectKey)).toEqual({ size: 12, body: 'shared bytes' });
      expect(await readdir(join(dir, 'runs', 'r9')).catch(() => [])).toEqual([]);
    });

  it('refuses keys that leave the store', async () => {
    await expect(store.head('../etc/passwd')).rejects.toThrow('Not an artifact key');
    await expect(store.head('runs//x')).rejects.toThrow('Not an artifact key');
    await expect(store.head('/runs/x')).rejects.toThrow('Not an artifact key');
  });

  if (backend === 'local')
    it('never reads through a symlink (a sandbox wrote near these folders)', async () => {
      await writeFile(join(dir, 'secret'), 'secret');
      await mkdir(join(dir, 'runs', 'r4'), { recursive: true });
      await symlink(join(dir, 'secret'), join(dir, 'runs', 'r4', 'trace.zip'));
      expect(await store.get('runs/r4/trace.zip')).toBeUndefined();
    });

  if (backend === 's3')
    it('uploads a large file in parts (a long video)', async () => {
      const big = Buffer.alloc(20 * 1024 * 1024, 7);
      big.write('end', big.length - 3);
      await stage('runs/r5/video.webm', big);
      await store.publish('runs/r5/video.webm', 'video/webm');
      const tail = await text('runs/r5/video.webm', { start: big.length - 3, end: big.length - 1 });
      expect(tail).toEqual({ size: big.length, body: 'end' });
    }, 60000);
});
