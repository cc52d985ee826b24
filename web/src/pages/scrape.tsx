import { useState } from 'preact/hooks';
import { api, type Page, query } from '../api';
import { duration, isFinal, when } from '../format';
import { useLive } from '../live';
import { Link } from '../router';
import type { Scrape, ScrapedPage } from '../types';
import { useCursorPages } from '../ui/cursor-pages';
import { ErrorLines } from '../ui/errors';
import { Markdown } from '../ui/markdown';
import { Pager } from '../ui/pager';
import { Status } from '../ui/status';
import { useApi } from '../ui/use-api';

const LIST_FIELDS = 'url,finalUrl,depth,state,statusCode,title,durationMs,error';

export function ScrapePage({ id }: { id: string }) {
  const scrape = useApi<Scrape>(`/api/scrapes/${id}`);
  const cursors = useCursorPages();
  const pages = useApi<Page<ScrapedPage>>(
    `/api/scrapes/${id}/pages${query({ limit: 25, cursor: cursors.cursor, fields: LIST_FIELDS })}`,
  );
  const [open, setOpen] = useState<ScrapedPage | undefined>();
  const [openError, setOpenError] = useState<unknown>();
  const data = scrape.data;
  useLive({ scrapes: data && !isFinal(data.status) ? [id] : [] }, ({ event, payload }) => {
    if (event === 'end') {
      scrape.reload();
      pages.reload();
      return;
    }
    if (event === 'scrape.updated') {
      scrape.set((current) => current && { ...current, ...(payload as Partial<Scrape>) });
      if (cursors.page === 0) pages.reload();
    }
  });
  const show = async (page: ScrapedPage) => {
    setOpenError(undefined);
    try {
      // The page's markdown and links, read when asked for: a list of pages carries neither.
      const found = await findPage(id, page.id, cursors.cursor);
      setOpen(found ?? page);
    } catch (error) {
      setOpenError(error);
    }
  };
  if (scrape.error && !data) return <ErrorLines error={scrape.error} />;
  if (!data) return <p class="loading">Loading…</p>;
  return (
    <section>
      <p class="crumbs">
        <Link href="/scrapes">Scrapes</Link>
      </p>
      <div class="title-row">
        <h1 class="url">{data.url}</h1>
        <Status status={data.status} />
      </div>
      {!isFinal(data.status) && (
        <button
          type="button"
          onClick={() => api(`/api/scrapes/${id}/cancel`, { method: 'POST' }).then(scrape.reload, setOpenError)}
        >
          Cancel
        </button>
      )}
      <dl class="facts">
        <dt>Mode</dt>
        <dd>{data.mode}</dd>
        <dt>Pages done</dt>
        <dd>{data.pagesDone}</dd>
        <dt>Pages failed</dt>
        <dd>{data.pagesFailed}</dd>
        <dt>Waiting</dt>
        <dd>{data.pagesQueued}</dd>
        <dt>Created</dt>
        <dd>{when(data.createdAt)}</dd>
        <dt>Duration</dt>
        <dd>{duration(data.durationMs)}</dd>
      </dl>
      {data.error && <pre class="error-text">{data.error}</pre>}
      <h2>Pages</h2>
      <ErrorLines error={pages.error ?? openError} />
      <table class="list">
        <thead>
          <tr>
            <th scope="col">Title</th>
            <th scope="col">URL</th>
            <th scope="col">State</th>
            <th scope="col">HTTP</th>
            <th scope="col">Depth</th>
          </tr>
        </thead>
        <tbody>
          {pages.data?.items.map((page) => (
            <tr key={page.id}>
              <td>
                <button type="button" class="link" onClick={() => show(page)}>
                  {page.title || '(no title)'}
                </button>
              </td>
              <td class="url">{page.finalUrl ?? page.url}</td>
              <td>
                <Status status={page.state ?? 'done'} />
                {page.error && <span class="error-text"> {page.error}</span>}
              </td>
              <td>{page.statusCode ?? '—'}</td>
              <td>{page.depth ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager
        page={cursors.page}
        hasNext={Boolean(pages.data?.nextCursor)}
        onPrevious={cursors.previous}
        onNext={() => cursors.next(pages.data?.nextCursor ?? null)}
      />
      {open && (
        <article class="scraped-page" aria-labelledby="scraped-title">
          <h2 id="scraped-title">{open.title || '(no title)'}</h2>
          <p class="muted url">{open.finalUrl ?? open.url}</p>
          {open.markdown ? <Markdown source={open.markdown} /> : <p>No markdown was kept for this page.</p>}
          {open.links && open.links.length > 0 && (
            <details>
              <summary>{open.links.length} links</summary>
              <ul class="plain url">
                {open.links.map((link, i) => (
                  <li key={i}>{link}</li>
                ))}
              </ul>
            </details>
          )}
          <button type="button" onClick={() => setOpen(undefined)}>
            Close
          </button>
        </article>
      )}
    </section>
  );
}

/** One listed page with its markdown and links: the same page of the list, with those fields. */
async function findPage(
  scrapeId: string,
  pageId: string,
  cursor: string | undefined,
): Promise<ScrapedPage | undefined> {
  const page = await api<Page<ScrapedPage>>(
    `/api/scrapes/${scrapeId}/pages${query({ limit: 25, cursor, fields: 'url,finalUrl,title,markdown,links' })}`,
  );
  return page.items.find((item) => item.id === pageId);
}
