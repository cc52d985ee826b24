import { guardMessage, isCallId, refusal, type ProtocolMessage } from './protocol-guard';

const CONTEXT = { proxyServer: 'http://127.0.0.1:4100', videoDir: '/worker/videos/run-1' };
const guard = (message: ProtocolMessage) => guardMessage(message, CONTEXT);
const refused = (message: ProtocolMessage) => {
  const verdict = guard(message);
  return 'refuse' in verdict ? verdict.refuse : undefined;
};
const forwarded = (message: ProtocolMessage) => {
  const verdict = guard(message);
  if (!('forward' in verdict)) throw new Error(`refused: ${verdict.refuse}`);
  return verdict.forward;
};

describe('guardMessage', () => {
  it.each([
    ['browser-type@1', 'launch'],
    ['browser-type@1', 'launchPersistentContext'],
    ['browser-type@1', 'launchServer'],
    ['browser-type@1', 'connect'],
    ['browser-type@1', 'connectOverCDP'],
    ['browser@1', 'newBrowserCDPSession'],
    ['browser-context@1', 'newCDPSession'],
    ['artifact@1', 'saveAs'],
    ['browser-context@1', 'harOpen'],
    ['browser-context@1', 'harUnzip'],
    ['browser-context@1', 'harLookup'],
    ['browser-context@1', 'zip'],
    ['browser-context@1', 'tracingStarted'],
    ['browser@1', 'killForTests'],
  ])('refuses %s %s, whatever object it is sent to', (guid, method) => {
    expect(refused({ id: 'a@1', guid, method, params: {} })).toContain(`${method} is not available in script runs`);
  });

  it.each(['android@1', 'electron@1', 'localUtils', 'DebugController'])('refuses any call on %s', (guid) => {
    expect(refused({ id: 1, guid, method: 'devices', params: {} })).toMatch(/is not available in script runs/);
  });

  it('refuses closing the shared browser, but not a context or a page', () => {
    expect(refused({ id: 1, guid: 'browser@1', method: 'close', params: {} })).toBe(
      'the shared browser cannot be closed by a test',
    );
    expect(guard({ id: 2, guid: 'browser-context@1', method: 'close', params: {} })).toHaveProperty('forward');
    expect(guard({ id: 3, guid: 'page@1', method: 'close', params: {} })).toHaveProperty('forward');
  });

  it.each(['newContext', 'newContextForReuse', 'newPersistentContext'])(
    '%s: forces the run’s proxy over the test’s own and writes videos where the worker says',
    (method) => {
      const sent = {
        id: 'c@4',
        guid: 'browser@1',
        method,
        params: {
          proxy: { server: 'http://10.0.0.5:3128', bypass: '*' },
          recordVideo: { dir: '/etc', size: { width: 320, height: 240 } },
          viewport: { width: 800, height: 600 },
        },
      };
      expect(forwarded(sent)).toEqual({
        ...sent,
        params: {
          proxy: { server: CONTEXT.proxyServer },
          recordVideo: { dir: CONTEXT.videoDir, size: { width: 320, height: 240 } },
          viewport: { width: 800, height: 600 },
        },
      });
      // A context with no proxy of its own gets the run's too.
      expect(forwarded({ id: 5, guid: 'browser@1', method, params: {} }).params).toEqual({
        proxy: { server: CONTEXT.proxyServer },
      });
    },
  );

  it('refuses a context recording a HAR file (written on the worker’s disk)', () => {
    expect(refused({ id: 1, guid: 'browser@1', method: 'newContext', params: { recordHar: { path: '/x' } } })).toBe(
      'recordHar is not available in script runs',
    );
  });

  it('forces the run’s proxy on API request contexts', () => {
    expect(
      forwarded({ id: 1, guid: 'Playwright', method: 'newRequest', params: { proxy: { server: 'http://x' } } }).params,
    ).toEqual({ proxy: { server: CONTEXT.proxyServer } });
  });

  it.each([
    'file:///etc/passwd',
    'FILE:///etc/passwd',
    'view-source:file:///etc/passwd',
    'chrome://settings',
    'javascript:alert(1)',
    'blob:http://a/1',
  ])('refuses goto %s', (url) => {
    expect(refused({ id: 1, guid: 'frame@1', method: 'goto', params: { url } })).toMatch(
      /URLs cannot be opened in script runs/,
    );
  });

  it.each(['https://example.com/', 'http://example.com/a', 'about:blank', 'data:text/html,<h1>x</h1>'])(
    'forwards goto %s unchanged',
    (url) => {
      const sent = { id: 1, guid: 'frame@1', method: 'goto', params: { url, waitUntil: 'load' } };
      expect(forwarded(sent)).toBe(sent);
    },
  );

  it.each([{ localPaths: ['/etc/passwd'] }, { localDirectory: '/root' }])(
    'refuses files named by a path on the worker (%o)',
    (params) => {
      expect(refused({ id: 1, guid: 'element-handle@1', method: 'setInputFiles', params })).toMatch(
        /files on the worker's disk cannot be uploaded/,
      );
    },
  );

  it('forwards an ordinary message as it came, and a message that is not a call', () => {
    const click = { id: 'k@9', guid: 'frame@1', method: 'click', params: { selector: '#go' }, metadata: {} };
    expect(forwarded(click)).toBe(click);
    const noMethod = { id: 3, result: {} } as ProtocolMessage;
    expect(forwarded(noMethod)).toBe(noMethod);
  });
});

describe('refusal', () => {
  it.each([7, 'rnxz@8'])('answers call %p with an error starting "Stevedore:"', (id) => {
    expect(JSON.parse(refusal(id, 'no'))).toEqual({
      id,
      error: { error: { message: 'Stevedore: no', name: 'Error', stack: '' } },
    });
  });

  it('knows a call id in both forms Playwright sends', () => {
    expect([isCallId(7), isCallId('rnxz@8'), isCallId(undefined), isCallId(''), isCallId({})]).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
