import fc from 'fast-check';
import { type BabelNode, playwrightBabel } from './playwright-babel';
import { parseRunDefinition, type RunStep, STEP_ACTIONS, type StepRunDefinition } from './run-definition';
import { specFileName, stepRunSpec } from './step-spec';

const limits = { maxTimeoutMs: 120000 };

/** The README's five-step run (Browser test runs), as the API stores it. */
const README_RUN = parseRunDefinition(
  {
    name: 'sign-in works',
    baseUrl: 'http://127.0.0.1:4000',
    steps: [
      { action: 'goto', url: '/login' },
      { action: 'fill', selector: '#email', value: 'a@example.com' },
      { action: 'click', selector: "role=button[name='Sign in']" },
      { action: 'expectText', selector: 'h1', text: 'Welcome' },
      { action: 'screenshot', name: 'signed-in' },
    ],
    options: { timeoutMs: 60000, stepTimeoutMs: 10000, trace: 'retain-on-failure', screenshots: 'only-on-failure' },
    priority: 5,
  },
  limits,
).definition as StepRunDefinition;

/** Posts the spec back as a script run, through the same parser POST /api/runs uses. */
const asScriptRun = (def: StepRunDefinition, spec: string) =>
  parseRunDefinition(
    {
      name: def.name,
      baseUrl: def.baseUrl,
      script: { files: { [specFileName(def.name)]: spec } },
      options: def.options,
    },
    limits,
  );

describe('stepRunSpec', () => {
  it("writes the README's five-step run as a spec the script check accepts", () => {
    const spec = stepRunSpec(README_RUN);
    const { definition, errors } = asScriptRun(README_RUN, spec);
    expect(errors).toEqual([]);
    expect(definition?.script?.files['sign-in-works.spec.ts']).toBe(spec);
  });

  it('does each step as the executor does: locator, timeout, assertion, screenshot', () => {
    const spec = stepRunSpec(README_RUN);
    expect(spec).toContain('test.use({ baseURL: "http://127.0.0.1:4000" });');
    expect(spec).toContain('test("sign-in works", async ({ page }, testInfo) => {');
    expect(spec).toContain('  test.setTimeout(60000);');
    expect(spec).toContain(
      '  await test.step("0 goto /login", async () => {\n' +
        '    await page.goto("/login", { timeout: 10000, waitUntil: \'load\' });\n  });',
    );
    expect(spec).toContain('await page.locator("#email").fill("a@example.com", { timeout: 10000 });');
    expect(spec).toContain('await page.locator("role=button[name=\'Sign in\']").click({ timeout: 10000 });');
    expect(spec).toContain(
      'await expect\n' +
        '      .poll(() => page.locator("h1").first().innerText({ timeout: 1000 }).catch(() => null), { timeout: 10000, intervals: [10, 25, 50, 100] })\n' +
        '      .toContain("Welcome");',
    );
    expect(spec).toContain(
      'await testInfo.attach("signed-in.png", { body: await page.screenshot({ fullPage: true, timeout: 10000 }), contentType: \'image/png\' });',
    );
  });

  it("uses a step's own timeout, the absolute URL for expectUrl, and screenshots after every step when asked", () => {
    const def = parseRunDefinition(
      {
        name: 'x',
        baseUrl: 'http://127.0.0.1:4000/app/',
        steps: [
          { action: 'click', selector: 'a', timeoutMs: 500 },
          { action: 'expectUrl', url: 'done' },
          { action: 'waitFor', selector: 'b', state: 'detached' },
        ],
        options: { screenshots: 'on', stepTimeoutMs: 2000 },
      },
      limits,
    ).definition as StepRunDefinition;
    const spec = stepRunSpec(def);
    expect(spec).toContain('await page.locator("a").click({ timeout: 500 });');
    expect(spec).toContain(
      'await expect.poll(() => page.url(), { timeout: 2000, intervals: [10, 25, 50, 100] }).toBe("http://127.0.0.1:4000/app/done");',
    );
    expect(spec).toContain('await page.locator("b").waitFor({ state: "detached", timeout: 2000 });');
    expect(spec.match(/testInfo\.attach\("step-\d\.png"/g)).toEqual([
      'testInfo.attach("step-0.png"',
      'testInfo.attach("step-1.png"',
      'testInfo.attach("step-2.png"',
    ]);
  });

  it('writes a URL that cannot be resolved as code that throws when the step runs, as the executor does', () => {
    const def = { ...README_RUN, steps: [{ action: 'expectUrl', url: '//[' } as RunStep] };
    expect(stepRunSpec(def)).toContain('.toBe(new URL("//[", "http://127.0.0.1:4000").href);');
  });

  it('names the file after the run', () => {
    expect(specFileName('Sign-in works!')).toBe('sign-in-works.spec.ts');
    expect(specFileName('Ça marche')).toBe('ca-marche.spec.ts');
    expect(specFileName('"; rm -rf /')).toBe('rm-rf.spec.ts');
    expect(specFileName('日本')).toBe('run.spec.ts');
  });
});

/** The AST without positions, with every string literal's value replaced: the code's shape. */
function shape(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(shape);
  if (typeof node !== 'object' || node === null) return node;
  const n = node as BabelNode;
  if (n.type === 'StringLiteral') return 'STRING';
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(n))
    if (
      !['loc', 'start', 'end', 'extra', 'range', 'leadingComments', 'trailingComments', 'innerComments'].includes(key)
    )
      kept[key] = shape(value);
  return kept;
}

/** Every string literal's value in the AST. */
function literals(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((child) => literals(child, found));
  else if (typeof node === 'object' && node !== null) {
    const n = node as BabelNode;
    if (n.type === 'StringLiteral') found.push(n.value as string);
    else for (const [key, value] of Object.entries(n)) if (key !== 'loc') literals(value, found);
  }
  return found;
}

const parseSpec = (spec: string) => playwrightBabel().babelParse(spec, 'run.spec.ts', false).program;

describe('stepRunSpec with hostile strings', () => {
  // Strings built to break out: quotes of each kind, backslashes, template and comment
  // syntax, line terminators (U+2028/9 included), lone surrogates, NUL.
  const nasty = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc
      .array(
        fc.constantFrom(
          '"',
          "'",
          '`',
          '\\',
          '${',
          '*/',
          '/*',
          '//',
          '\n',
          '\r',
          '\u2028',
          '\u2029',
          '\ud800',
          '\0',
          ');',
          'x',
        ),
        { maxLength: 12 },
      )
      .map((parts) => parts.join('')),
  );
  const step: fc.Arbitrary<RunStep> = fc
    .record({
      action: fc.constantFrom(...STEP_ACTIONS),
      selector: nasty,
      url: nasty,
      value: nasty,
      text: nasty,
      key: nasty,
    })
    .map(({ action, selector, url, value, text, key }) => {
      // The fields each action takes (run-definition.ts); screenshot names are checked, so not hostile.
      const fields: Record<string, Partial<RunStep>> = {
        goto: { url },
        expectUrl: { url: `/x${url}` },
        fill: { selector, value },
        select: { selector, value },
        press: { selector, key },
        expectText: { selector, text },
        expectTitle: { text },
        screenshot: { name: 'shot', selector },
      };
      return { action, ...(fields[action] ?? { selector }) } as RunStep;
    });

  it('parses, and holds every user string only as a string literal', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 6 }), nasty, (steps, name) => {
        const def: StepRunDefinition = {
          name,
          baseUrl: 'http://127.0.0.1:4000',
          steps: steps.map((s, i) => (s.action === 'screenshot' ? { ...s, name: `shot${i}` } : s)),
          options: { timeoutMs: 60000, stepTimeoutMs: 10000, video: false, trace: 'off', screenshots: 'off' },
          priority: 5,
        };
        const program = parseSpec(stepRunSpec(def));
        // The same code as for harmless strings: only the literals' values differ.
        const tame: StepRunDefinition = {
          ...def,
          name: 'n',
          steps: def.steps.map(
            (s) =>
              Object.fromEntries(
                Object.entries(s).map(([k, v]) => [k, k === 'action' || k === 'name' ? v : k === 'url' ? '/u' : 'v']),
              ) as unknown as RunStep,
          ),
        };
        expect(shape(program)).toEqual(shape(parseSpec(stepRunSpec(tame))));
        const values = new Set(literals(program));
        for (const s of def.steps)
          for (const field of ['selector', 'value', 'text', 'key'] as const)
            if (s[field] !== undefined) expect(values).toContain(s[field]);
        expect(values).toContain(name);
      }),
      { numRuns: 200 },
    );
  });
});
