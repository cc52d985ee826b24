import { useState } from 'preact/hooks';
import { api, ApiError, type Session } from '../api';
import { jsonPathLines, lineOfProblem, lineOfSyntaxError } from '../json-lines';
import { Link, navigate } from '../router';
import { CodeEditor } from '../ui/code-editor';
import { ErrorLines } from '../ui/errors';

/** The README's run, keeping a trace so that "Open trace" has one to open. */
const STEPS_EXAMPLE = `{
  "name": "sign-in works",
  "baseUrl": "http://127.0.0.1:4000",
  "steps": [
    { "action": "goto", "url": "/login" },
    { "action": "fill", "selector": "#email", "value": "a@example.com" },
    { "action": "click", "selector": "role=button[name='Sign in']" },
    { "action": "expectText", "selector": "h1", "text": "Welcome" },
    { "action": "screenshot", "name": "signed-in" }
  ],
  "options": { "timeoutMs": 60000, "stepTimeoutMs": 10000, "trace": "on", "screenshots": "only-on-failure" },
  "priority": 5
}
`;

const SCRIPT_EXAMPLE = `import { test, expect } from '@playwright/test';

test('sign-in works', async ({ page }) => {
  await test.step('open the sign-in page', async () => {
    await page.goto('/login');
  });
  await test.step('sign in', async () => {
    await page.fill('#email', 'a@example.com');
    await page.getByRole('button', { name: 'Sign in' }).click();
  });
  await expect(page.locator('h1')).toHaveText('Welcome');
});
`;

type Problem = { line: number; message: string };
const SCRIPT_PROBLEM = /^script\.files\[("(?:[^"\\]|\\.)*")\] line (\d+)(?:, column \d+)?: (.*)$/;

export function NewRunPage({ session }: { session: Session }) {
  const [mode, setMode] = useState<'steps' | 'script'>('steps');
  const [json, setJson] = useState(STEPS_EXAMPLE);
  const [name, setName] = useState('sign-in works');
  const [baseUrl, setBaseUrl] = useState('http://127.0.0.1:4000');
  const [fileName, setFileName] = useState('sign-in.spec.ts');
  const [code, setCode] = useState(SCRIPT_EXAMPLE);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [other, setOther] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  if (!session.scopes.includes('trigger'))
    return (
      <section>
        <h1>New run</h1>
        <p>This key may only read: a key with the trigger scope can queue runs.</p>
      </section>
    );

  const submit = async (event: Event) => {
    event.preventDefault();
    setProblems([]);
    setOther(undefined);
    let body: unknown;
    if (mode === 'steps') {
      try {
        body = JSON.parse(json);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        setProblems([{ line: lineOfSyntaxError(json, message), message: `Not JSON: ${message}` }]);
        return;
      }
    } else {
      body = { name, baseUrl, script: { files: { [fileName]: code } } };
    }
    setBusy(true);
    try {
      const created = await api<{ id: string }>('/api/runs', { body });
      navigate(`/runs/${created.id}`);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 400) return setOther(error);
      if (mode === 'steps') {
        const paths = jsonPathLines(json);
        setProblems(error.lines.map((message) => ({ line: lineOfProblem(message, paths), message })));
        return;
      }
      const atLines: Problem[] = [];
      const rest: string[] = [];
      for (const message of error.lines) {
        const found = SCRIPT_PROBLEM.exec(message);
        if (found && JSON.parse(found[1]) === fileName) atLines.push({ line: Number(found[2]), message: found[3] });
        else rest.push(message);
      }
      setProblems(atLines);
      if (rest.length) setOther(new ApiError(400, rest));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <p class="crumbs">
        <Link href="/runs">Runs</Link>
      </p>
      <h1>New run</h1>
      <div role="tablist" aria-label="Kind of run" class="tabs">
        <button type="button" role="tab" aria-selected={mode === 'steps'} onClick={() => setMode('steps')}>
          Steps (JSON)
        </button>
        <button type="button" role="tab" aria-selected={mode === 'script'} onClick={() => setMode('script')}>
          Playwright Test code
        </button>
      </div>
      <form onSubmit={submit} class="run-form">
        {mode === 'steps' ? (
          <CodeEditor
            id="definition"
            label="Run definition (as POST /api/runs takes it)"
            value={json}
            onInput={setJson}
            problems={problems}
          />
        ) : (
          <>
            <div class="row">
              <label>
                Name
                <input
                  value={name}
                  onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
                  required
                  maxLength={200}
                />
              </label>
              <label>
                Base URL
                <input
                  value={baseUrl}
                  onInput={(e) => setBaseUrl((e.currentTarget as HTMLInputElement).value)}
                  required
                  type="url"
                />
              </label>
              <label>
                File
                <input
                  value={fileName}
                  onInput={(e) => setFileName((e.currentTarget as HTMLInputElement).value)}
                  required
                />
              </label>
            </div>
            <CodeEditor
              id="code"
              label={`${fileName} (Playwright Test)`}
              value={code}
              onInput={setCode}
              problems={problems}
            />
          </>
        )}
        <ErrorLines error={other} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Queueing…' : 'Queue the run'}
        </button>
      </form>
    </section>
  );
}
