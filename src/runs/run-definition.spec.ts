import { parseRunDefinition } from './run-definition';

const limits = { maxTimeoutMs: 120000 };
const parse = (body: unknown) => parseRunDefinition(body, limits);

describe('parseRunDefinition', () => {
  it('accepts the example of the product page and fills in defaults', () => {
    const { definition, errors } = parse({
      name: 'sign-in works',
      baseUrl: 'http://127.0.0.1:4000',
      steps: [
        { action: 'goto', url: '/login' },
        { action: 'fill', selector: '#email', value: 'a@example.com' },
        { action: 'click', selector: "role=button[name='Sign in']" },
        { action: 'expectText', selector: 'h1', text: 'Welcome' },
        { action: 'screenshot', name: 'signed-in' },
      ],
      options: {
        timeoutMs: 60000,
        stepTimeoutMs: 10000,
        video: false,
        trace: 'retain-on-failure',
        screenshots: 'only-on-failure',
      },
      priority: 5,
    });
    expect(errors).toEqual([]);
    expect(definition).toMatchObject({
      name: 'sign-in works',
      priority: 5,
      options: { timeoutMs: 60000, trace: 'retain-on-failure' },
    });
    expect(parse({ name: 'x', steps: [{ action: 'goto', url: 'https://example.com' }] }).definition).toMatchObject({
      priority: 5,
      options: {
        timeoutMs: 60000,
        stepTimeoutMs: 10000,
        video: false,
        trace: 'retain-on-failure',
        screenshots: 'only-on-failure',
      },
    });
  });

  it('lets fill set an empty value', () => {
    expect(parse({ name: 'x', steps: [{ action: 'fill', selector: '#a', value: '' }] }).errors).toEqual([]);
  });

  it('reports every problem at once, each naming its field', () => {
    const { errors } = parse({
      name: '',
      steps: [
        { action: 'click' },
        { action: 'expectText', selector: 'h1' },
        { action: 'screenshot', name: 'trace' },
        'goto',
      ],
      options: { video: 'yes', colour: 'red' },
    });
    expect(errors).toEqual([
      'name is required (a non-empty string)',
      'options.video must be true or false',
      'options.colour is not an option',
      'steps[0].selector is required for click',
      'steps[1].text is required for expectText',
      'steps[2].name "trace" is reserved',
      'steps[3] must be an object with an action',
    ]);
  });

  it('refuses two screenshots with one name', () => {
    expect(
      parse({
        name: 'x',
        steps: [
          { action: 'screenshot', name: 'a' },
          { action: 'screenshot', name: 'a' },
        ],
      }).errors,
    ).toEqual(['steps[1].name "a" is already used by another screenshot']);
  });

  it('caps the run timeout at TEST_EXECUTION_TIMEOUT_MS', () => {
    expect(
      parseRunDefinition({ name: 'x', steps: [{ action: 'goto', url: 'http://a.test' }] }, { maxTimeoutMs: 30000 })
        .definition?.options.timeoutMs,
    ).toBe(30000);
  });
});
