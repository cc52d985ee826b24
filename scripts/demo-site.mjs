// A tiny site for the README's first run (and the dashboard's "New run" example): a sign-in
// form at /login that leads to /welcome, on 127.0.0.1:4000 (DEMO_SITE_PORT). Started by
// `pnpm dev`; if the port is taken it says so and stays idle, so the API and the worker
// beside it keep running. It also takes any POST and prints it: a webhook receiver for the
// README's monitor example.
import { createServer } from 'node:http';

const port = Number(process.env.DEMO_SITE_PORT ?? 4000);
const pages = {
  '/': '<!doctype html><html lang="en"><title>Home</title><h1>Home</h1><p><a href="/login">Sign in</a></p></html>',
  '/login':
    '<!doctype html><html lang="en"><title>Sign in</title><h1>Sign in</h1><form action="/welcome" method="get"><label>Email <input id="email" name="email"></label> <button type="submit">Sign in</button></form></html>',
  '/welcome': '<!doctype html><html lang="en"><title>Welcome</title><h1>Welcome</h1><p id="who">signed in</p></html>',
};

const server = createServer((req, res) => {
  if (req.method === 'POST') {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      console.log(`demo site: POST ${req.url} ${Buffer.concat(chunks).toString('utf8').slice(0, 2000)}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    return;
  }
  const page = pages[(req.url ?? '/').split('?')[0]];
  res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
  res.end(page ?? '<!doctype html><title>Not found</title><h1>Not found</h1>');
});
server.on('error', (error) => {
  console.log(`demo site: not started on 127.0.0.1:${port} (${error.code ?? error.message})`);
  setInterval(() => undefined, 1 << 30);
});
server.listen(port, '127.0.0.1', () => console.log(`demo site: http://127.0.0.1:${port}/login`));
