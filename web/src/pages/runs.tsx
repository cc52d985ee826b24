import { useEffect } from 'preact/hooks';
import { type Page, query } from '../api';
import { duration, isFinal, when } from '../format';
import { useLive } from '../live';
import { Link, navigate, useLocation } from '../router';
import type { Run } from '../types';
import { useCursorPages } from '../ui/cursor-pages';
import { ErrorLines } from '../ui/errors';
import { Pager } from '../ui/pager';
import { Status } from '../ui/status';
import { useApi } from '../ui/use-api';

const STATUSES = ['queued', 'running', 'passed', 'failed', 'error', 'cancelled', 'timed_out'];
const FILTERS = ['status', 'name', 'suiteId', 'scheduleId', 'from', 'to'] as const;
const PAGE_SIZE = 25;
/** The first page is read again this often, for runs queued from elsewhere. */
const REFRESH_MS = 10_000;

/** A date input's day as the start of that day, in the browser's time zone. */
const dayStart = (day: string | null, plusDays = 0) => {
  if (!day) return undefined;
  const date = new Date(`${day}T00:00:00`);
  date.setDate(date.getDate() + plusDays);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

export function RunsPage() {
  const location = useLocation();
  const pages = useCursorPages();
  const filters = Object.fromEntries(FILTERS.map((name) => [name, location.query.get(name) ?? ''])) as Record<
    (typeof FILTERS)[number],
    string
  >;
  const path = `/api/runs${query({
    limit: PAGE_SIZE,
    cursor: pages.cursor,
    status: filters.status,
    name: filters.name,
    suiteId: filters.suiteId,
    scheduleId: filters.scheduleId,
    createdAfter: dayStart(filters.from),
    createdBefore: dayStart(filters.to, 1),
  })}`;
  const runs = useApi<Page<Run>>(path);
  useEffect(() => pages.reset(), [location.query.toString()]);
  useEffect(() => {
    if (pages.page !== 0) return;
    const timer = setInterval(runs.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [pages.page, path]);

  const unfinished = (runs.data?.items ?? []).filter((run) => !isFinal(run.status)).map((run) => run.id);
  useLive({ runs: unfinished }, ({ event, payload }) => {
    if (event !== 'run.updated') return;
    runs.set(
      (page) =>
        page && {
          ...page,
          items: page.items.map((run) => (run.id === payload.id ? { ...run, ...(payload as Partial<Run>) } : run)),
        },
    );
  });

  const apply = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const params = new URLSearchParams();
    for (const name of FILTERS) {
      const value = String(form.get(name) ?? '').trim();
      if (value) params.set(name, value);
    }
    navigate(`/runs${params.size ? `?${params}` : ''}`);
  };

  return (
    <section>
      <div class="title-row">
        <h1>Runs</h1>
        <Link href="/runs/new" class="button primary">
          New run
        </Link>
      </div>
      <form class="filters" onSubmit={apply} aria-label="Filter runs">
        <label>
          Status
          <select name="status" value={filters.status}>
            <option value="">any</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {status.replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          Name contains
          <input name="name" type="search" value={filters.name} maxLength={200} />
        </label>
        <label>
          Suite id
          <input name="suiteId" value={filters.suiteId} size={12} />
        </label>
        <label>
          Schedule id
          <input name="scheduleId" value={filters.scheduleId} size={12} />
        </label>
        <label>
          From
          <input name="from" type="date" value={filters.from} />
        </label>
        <label>
          To
          <input name="to" type="date" value={filters.to} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <ErrorLines error={runs.error} />
      <table class="list">
        <caption class="visually-hidden">Runs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Duration</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>
          {runs.data?.items.map((run) => (
            <tr key={run.id} data-run-id={run.id}>
              <td>
                <Link href={`/runs/${run.id}`}>{run.name}</Link>
              </td>
              <td>
                <Status status={run.status} />
              </td>
              <td>{when(run.createdAt)}</td>
              <td>{duration(run.durationMs)}</td>
              <td>
                {run.suiteId ? (
                  <Link href={`/suites/${run.suiteId}`}>suite</Link>
                ) : run.scheduleId ? (
                  <Link href={`/runs?scheduleId=${run.scheduleId}`}>schedule</Link>
                ) : (
                  'API'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {runs.data && runs.data.items.length === 0 && <p>No runs match.</p>}
      <Pager
        page={pages.page}
        hasNext={Boolean(runs.data?.nextCursor)}
        onPrevious={pages.previous}
        onNext={() => pages.next(runs.data?.nextCursor ?? null)}
      />
    </section>
  );
}
