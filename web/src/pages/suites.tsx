import { type Page, query } from '../api';
import { duration, isFinal, when } from '../format';
import { useLive } from '../live';
import { Link } from '../router';
import type { Suite } from '../types';
import { useCursorPages } from '../ui/cursor-pages';
import { ErrorLines } from '../ui/errors';
import { Pager } from '../ui/pager';
import { SuiteProgress } from '../ui/suite-progress';
import { Status } from '../ui/status';
import { useApi } from '../ui/use-api';

export function SuitesPage() {
  const pages = useCursorPages();
  const suites = useApi<Page<Suite>>(`/api/suites${query({ limit: 25, cursor: pages.cursor })}`);
  const unfinished = (suites.data?.items ?? []).filter((suite) => !isFinal(suite.status)).map((suite) => suite.id);
  useLive({ suites: unfinished }, ({ event, payload }) => {
    if (event !== 'suite.updated') return;
    suites.set(
      (page) =>
        page && {
          ...page,
          items: page.items.map((suite) =>
            suite.id === payload.id ? { ...suite, ...(payload as Partial<Suite>) } : suite,
          ),
        },
    );
  });
  return (
    <section>
      <h1>Suites</h1>
      <ErrorLines error={suites.error} />
      <table class="list">
        <caption class="visually-hidden">Suites, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col">Created</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {suites.data?.items.map((suite) => (
            <tr key={suite.id}>
              <td>
                <Link href={`/suites/${suite.id}`}>{suite.name}</Link>
              </td>
              <td>
                <Status status={suite.status} />
              </td>
              <td>
                <SuiteProgress suite={suite} />
              </td>
              <td>{when(suite.createdAt)}</td>
              <td>{duration(suite.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {suites.data && suites.data.items.length === 0 && <p>No suites yet (POST /api/suites).</p>}
      <Pager
        page={pages.page}
        hasNext={Boolean(suites.data?.nextCursor)}
        onPrevious={pages.previous}
        onNext={() => pages.next(suites.data?.nextCursor ?? null)}
      />
    </section>
  );
}
