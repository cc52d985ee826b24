/** The README's five-step sign-in test, against LOGIN_PAGE and WELCOME_PAGE (test-site.ts). */
export const FIVE_STEPS = [
  { action: 'goto', url: '/login' },
  { action: 'fill', selector: '#email', value: 'a@example.com' },
  { action: 'click', selector: "role=button[name='Sign in']" },
  { action: 'expectText', selector: 'h1', text: 'Welcome' },
  { action: 'screenshot', name: 'signed-in' },
];
