import type { ExamplesObject } from '@nestjs/swagger';

/**
 * Whole-body examples for the routes that take a body: Swagger UI's "Try it out" sends
 * these instead of a body it would compose from every property's example (which mixes
 * fields no one step or email has, and fails validation). test/openapi.e2e-spec.ts posts
 * each one to its route. They target a site on this machine, as the README's do: start
 * the stack with ALLOWED_PRIVATE_HOSTS=127.0.0.1 (a public site needs nothing).
 */
const signIn = {
  name: 'sign-in works',
  baseUrl: 'http://127.0.0.1:4000',
  steps: [
    { action: 'goto', url: '/login' },
    { action: 'fill', selector: '#email', value: 'ada@example.com' },
    { action: 'click', selector: "role=button[name='Sign in']" },
    { action: 'expectText', selector: 'h1', text: 'Welcome' },
    { action: 'screenshot', name: 'signed-in' },
  ],
  options: { timeoutMs: 60000, stepTimeoutMs: 10000, trace: 'retain-on-failure', screenshots: 'only-on-failure' },
  priority: 5,
};

const home = {
  name: 'home page',
  baseUrl: 'http://127.0.0.1:4000',
  steps: [
    { action: 'goto', url: '/' },
    { action: 'expectTitle', text: 'Home' },
  ],
};

/** A script run: Playwright Test code instead of steps. */
const homeScript = {
  name: 'home page (Playwright Test)',
  baseUrl: 'http://127.0.0.1:4000',
  script: {
    files: {
      'home.spec.ts': [
        "import { test, expect } from '@playwright/test';",
        "import { signIn } from './helpers/sign-in';",
        '',
        "test('home has its title', async ({ page }) => {",
        "  await page.goto('/');",
        '  await expect(page).toHaveTitle(/Home/);',
        '});',
        '',
        "test('a user signs in', async ({ page }) => {",
        '  await signIn(page, process.env.SHOP_USER!);',
        "  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome');",
        '});',
        '',
      ].join('\n'),
      'helpers/sign-in.ts': [
        "import type { Page } from '@playwright/test';",
        '',
        'export async function signIn(page: Page, email: string): Promise<void> {',
        "  await page.goto('/login');",
        "  await page.getByLabel('Email').fill(email);",
        "  await page.getByRole('button', { name: 'Sign in' }).click();",
        '}',
        '',
      ].join('\n'),
    },
    retries: 1,
    timeout: 30000,
    use: { viewport: { width: 1280, height: 720 }, locale: 'en-GB' },
  },
  env: { SHOP_USER: 'ada@example.com' },
  options: { timeoutMs: 60000, trace: 'retain-on-failure', screenshots: 'only-on-failure' },
};

export const RUN_EXAMPLES: ExamplesObject = {
  signIn: { summary: 'Sign in, check the greeting, take a screenshot', value: signIn },
  minimal: { summary: 'Open a page and check its title', value: home },
  script: { summary: 'A script run: two Playwright Test files, one importing the other', value: homeScript },
};

export const SUITE_EXAMPLES: ExamplesObject = {
  smoke: {
    summary: 'Two tests, one at a time, with a summary email',
    value: { name: 'checkout smoke tests', tests: [home, signIn], notify: ['qa@example.com'], concurrency: 1 },
  },
};

export const SUITE_RERUN_EXAMPLES: ExamplesObject = {
  all: {
    summary: 'Every test of the suite again (no body, or { "only": "failed" }: only those that did not pass)',
    value: { only: 'all' },
  },
};

export const SCRAPE_EXAMPLES: ExamplesObject = {
  page: { summary: 'One page', value: { url: 'http://127.0.0.1:4000/' } },
  crawl: {
    summary: 'A crawl of /blog/ but not its drafts',
    value: {
      url: 'http://127.0.0.1:4000/blog/',
      mode: 'crawl',
      maxPages: 200,
      maxDepth: 3,
      includePaths: ['/blog/**'],
      excludePaths: ['/blog/drafts/**'],
      formats: ['markdown', 'links'],
    },
  },
};

export const SCHEDULE_EXAMPLES: ExamplesObject = {
  weekdays: {
    summary: 'A run every weekday at 07:30 in Paris',
    value: { name: 'morning sign-in check', cron: '30 7 * * 1-5', timezone: 'Europe/Paris', run: signIn },
  },
};

export const EMAIL_BATCH_EXAMPLES: ExamplesObject = {
  batch: {
    summary: 'Two emails: one raw, one from a template with an idempotency key',
    value: {
      emails: [
        { to: ['qa@example.com'], subject: 'Release 1.4 is out', text: 'Release 1.4 is out.' },
        {
          to: ['ada@example.com'],
          template: 'welcome',
          variables: { name: 'Ada', email: 'ada@example.com' },
          idempotencyKey: 'welcome-ada',
        },
      ],
    },
  },
};

export const EMAIL_EXAMPLES: ExamplesObject = {
  raw: {
    summary: 'A raw email',
    value: {
      to: ['qa@example.com'],
      subject: 'Release 1.4 is out',
      text: 'Release 1.4 is out.',
      html: '<p>Release 1.4 is out.</p>',
    },
  },
  template: {
    summary: 'From a template',
    value: { to: 'ada@example.com', template: 'welcome', variables: { name: 'Ada', email: 'ada@example.com' } },
  },
};

export const USER_EXAMPLES: ExamplesObject = {
  ada: { summary: 'A user (409 if the email is taken)', value: { email: 'ada@example.com', name: 'Ada Lovelace' } },
};

export const EVENT_TOKEN_EXAMPLES: ExamplesObject = {
  run: { summary: 'A token for one run’s event stream', value: { runId: '3f2a6c1e-8b4d-4e7a-9c2f-1a5b6d7e8f90' } },
};

export const SECRET_EXAMPLES: ExamplesObject = {
  password: {
    summary: 'A password a test reads as process.env.SHOP_PASSWORD (200 if it replaces one)',
    value: { name: 'SHOP_PASSWORD', value: 'correct horse battery staple' },
  },
};

export const PROJECT_EXAMPLES: ExamplesObject = {
  team: { summary: 'A project for one team', value: { name: 'checkout-team' } },
  limited: {
    summary: 'With its own limits',
    value: { name: 'nightly-crawls', runningLimit: 2, queuedLimit: 200, ratePerSecond: 20, rateBurst: 40 },
  },
};

export const PROJECT_UPDATE_EXAMPLES: ExamplesObject = {
  limits: {
    summary: 'Its own limits; null returns one to the default',
    value: { runningLimit: 3, queuedLimit: 100, ratePerSecond: null },
  },
};

export const API_KEY_EXAMPLES: ExamplesObject = {
  ci: { summary: 'A key CI triggers runs with', value: { name: 'ci', scopes: ['trigger'] } },
  admin: { summary: 'An admin key for the team lead', value: { name: 'lead', scopes: ['admin'] } },
};

export const ALERT_CHANNEL_EXAMPLES: ExamplesObject = {
  email: {
    summary: 'Email to the on-call list',
    value: { name: 'on-call email', type: 'email', to: ['oncall@example.com'] },
  },
  webhook: {
    summary: 'A signed JSON webhook (the URL must pass the egress rule)',
    value: { name: 'incident webhook', type: 'webhook', url: 'http://127.0.0.1:4000/hooks/stevedore' },
  },
  pagerduty: {
    summary: 'PagerDuty Events API v2 (trigger and resolve, dedup_key = incident id)',
    value: { name: 'pagerduty', type: 'pagerduty', routingKey: 'R0UTINGKEY0123456789abcdef012345' },
  },
};

export const SCHEDULE_MUTE_EXAMPLES: ExamplesObject = {
  hour: { summary: 'Mute its alerts for an hour (incidents are still recorded)', value: { minutes: 60 } },
};
