import { type Page, query } from '../api';
import { duration, isFinal, when } from '../format';
import { useLive } from '../live';
import { Link } from '../router';
import type { Scrape } from '../types';
import { useCursorPages } from '../ui/cursor-pages';
import { ErrorLines } from '../ui/errors';
import { Pager } from '../ui/pager';
import { Status } from '../ui/status';
import { useApi } from '../ui/use-api';

export function ScrapesPage() {
  const pages = useCursorPages();
  const scrapes = useApi<Page<Scrape>>(`/api/scrapes${query({ limit: 25, cursor: pages.cursor })}`);
  const unfinished = (scrapes.data?.items ?? []).filter((scrape) => !isFinal(scrape.status)).map((scrape) => scrape.id);
  useLive({ scrapes: unfinished }, ({ event, payload }) => {
    if (event !== 'scrape.updated') return;
    scrapes.set(
      (page) =>
        page && {
          ...page,
          items: page.items.map((scrape) =>
            scrape.id === payload.id ? { ...scrape, ...(payload as Partial<Scrape>) } : scrape,
          ),
        },
    );
  });
  return (
    <section>
      <h1>Scrapes</h1>
      <ErrorLines error={scrapes.error} />
      <table class="list">
        <caption class="visually-hidden">Scrapes and crawls, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Start URL</th>
            <th scope="col">Mode</th>
            <th scope="col">Status</th>
            <th scope="col">Pages</th>
            <th scope="col">Created</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {scrapes.data?.items.map((scrape) => (
            <tr key={scrape.id}>
              <td class="url">
                <Link href={`/scrapes/${scrape.id}`}>{scrape.url}</Link>
              </td>
              <td>{scrape.mode}</td>
              <td>
                <Status status={scrape.status} />
              </td>
              <td>
                {scrape.pagesDone} done{scrape.pagesFailed ? `, ${scrape.pagesFailed} failed` : ''}
                {scrape.pagesQueued ? `, ${scrape.pagesQueued} waiting` : ''}
              </td>
              <td>{when(scrape.createdAt)}</td>
              <td>{duration(scrape.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {scrapes.data && scrapes.data.items.length === 0 && <p>No scrapes yet (POST /api/scrapes).</p>}
      <Pager
        page={pages.page}
        hasNext={Boolean(scrapes.data?.nextCursor)}
        onPrevious={pages.previous}
        onNext={() => pages.next(scrapes.data?.nextCursor ?? null)}
      />
    </section>
  );
}
