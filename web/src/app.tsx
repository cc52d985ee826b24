import { useEffect, useState } from 'preact/hooks';
import { currentSession, onSignedOut, type Session, signOut } from './api';
import { Link, match, navigate, useLocation } from './router';
import { DeadLettersPage } from './pages/dead-letters';
import { EmailsPage } from './pages/emails';
import { NewRunPage } from './pages/new-run';
import { OverviewPage } from './pages/overview';
import { RunPage } from './pages/run';
import { RunsPage } from './pages/runs';
import { SchedulesPage } from './pages/schedules';
import { ScrapePage } from './pages/scrape';
import { ScrapesPage } from './pages/scrapes';
import { SignInPage } from './pages/sign-in';
import { SuitePage } from './pages/suite';
import { SuitesPage } from './pages/suites';

const NAV = [
  ['/', 'Overview'],
  ['/runs', 'Runs'],
  ['/suites', 'Suites'],
  ['/scrapes', 'Scrapes'],
  ['/schedules', 'Schedules'],
  ['/emails', 'Emails'],
  ['/dead-letters', 'Dead letters'],
] as const;

function view(path: string, session: Session) {
  let params: Record<string, string> | undefined;
  if (path === '/' || path === '') return <OverviewPage />;
  if (match('/runs', path)) return <RunsPage />;
  if (match('/runs/new', path)) return <NewRunPage session={session} />;
  if ((params = match('/runs/:id', path))) return <RunPage id={params.id} session={session} />;
  if (match('/suites', path)) return <SuitesPage />;
  if ((params = match('/suites/:id', path))) return <SuitePage id={params.id} session={session} />;
  if (match('/scrapes', path)) return <ScrapesPage />;
  if ((params = match('/scrapes/:id', path))) return <ScrapePage id={params.id} />;
  if (match('/schedules', path)) return <SchedulesPage session={session} />;
  if (match('/emails', path)) return <EmailsPage />;
  if (match('/dead-letters', path)) return <DeadLettersPage session={session} />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        The dashboard has no page at this address. <Link href="/">Go to the overview</Link>.
      </p>
    </section>
  );
}

const isCurrent = (href: string, path: string) => (href === '/' ? path === '/' : path.startsWith(href));

export function App() {
  const location = useLocation();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [failure, setFailure] = useState<string | undefined>();

  useEffect(() => {
    currentSession()
      .then((found) => setSession(found ?? null))
      .catch((error: unknown) => setFailure(error instanceof Error ? error.message : String(error)));
    return onSignedOut(() => setSession(null));
  }, []);

  useEffect(() => {
    const title = NAV.find(([href]) => isCurrent(href, location.path))?.[1];
    document.title = session ? `${title ?? 'Stevedore'} · Stevedore` : 'Sign in · Stevedore';
  }, [location.path, session]);

  if (failure) return <p role="alert">The API does not answer: {failure}</p>;
  if (session === undefined) return <p class="loading">Loading…</p>;
  if (session === null || location.path === '/sign-in')
    return (
      <SignInPage
        onSignedIn={(signedIn) => {
          setSession(signedIn);
          const back = location.query.get('next');
          navigate(
            back && back.startsWith('/') && !back.startsWith('//')
              ? back
              : location.path === '/sign-in'
                ? '/'
                : location.path,
            true,
          );
        }}
      />
    );

  const leave = async () => {
    await signOut().catch(() => undefined);
    setSession(null);
    navigate('/sign-in', true);
  };

  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link href="/" class="brand">
          Stevedore
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([href, label]) => (
              <li key={href}>
                <Link href={href} aria-current={isCurrent(href, location.path) ? 'page' : undefined}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span title={`Project ${session.projectId}`}>{session.actor}</span>
          <button type="button" onClick={leave}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {view(location.path, session)}
      </main>
      <footer class="bottom">
        {session.bootstrap && <a href="/api/queues">Bull Board</a>}
        <a href="/api/docs">API docs (OpenAPI)</a>
        <span>Signed in until {session.expiresAt ? new Date(session.expiresAt).toLocaleString() : '—'}</span>
      </footer>
    </div>
  );
}
