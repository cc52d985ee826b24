import { useState } from 'preact/hooks';
import { api, type Session } from '../api';
import { duration, isFinal, when } from '../format';
import { useLive } from '../live';
import { Link, navigate } from '../router';
import type { Run, SuiteDetail } from '../types';
import { ErrorLines } from '../ui/errors';
import { Status } from '../ui/status';
import { SuiteProgress } from '../ui/suite-progress';
import { useApi } from '../ui/use-api';

const FAILED = ['failed', 'error', 'timed_out'];

export function SuitePage({ id, session }: { id: string; session: Session }) {
  const suite = useApi<SuiteDetail>(`/api/suites/${id}`);
  const [actionError, setActionError] = useState<unknown>();
  const data = suite.data;
  const unfinishedRuns = (data?.runs ?? []).filter((run) => !isFinal(run.status)).map((run) => run.id);
  useLive({ suites: data && !isFinal(data.status) ? [id] : [], runs: unfinishedRuns }, ({ event, payload }) => {
    suite.set((current) => {
      if (!current) return current;
      if (event === 'suite.updated') return { ...current, ...(payload as Partial<SuiteDetail>), runs: current.runs };
      if (event === 'run.updated')
        return {
          ...current,
          runs: current.runs.map((run) => (run.id === payload.id ? { ...run, ...(payload as Partial<Run>) } : run)),
        };
      return current;
    });
  });
  const act = (path: string, body?: unknown, then?: (answer: { id: string }) => void) => async () => {
    setActionError(undefined);
    try {
      const answer = await api<{ id: string }>(path, { method: 'POST', body });
      if (then) then(answer);
      else suite.reload();
    } catch (error) {
      setActionError(error);
    }
  };
  if (suite.error && !data) return <ErrorLines error={suite.error} />;
  if (!data) return <p class="loading">Loading…</p>;
  const mayTrigger = session.scopes.includes('trigger');
  const anyFailed = data.runs.some((run) => FAILED.includes(run.status));
  return (
    <section>
      <p class="crumbs">
        <Link href="/suites">Suites</Link>
      </p>
      <div class="title-row">
        <h1>{data.name}</h1>
        <Status status={data.status} />
      </div>
      <SuiteProgress suite={data} />
      <div class="actions">
        {mayTrigger && !isFinal(data.status) && (
          <button type="button" onClick={act(`/api/suites/${id}/cancel`)}>
            Cancel
          </button>
        )}
        {mayTrigger && isFinal(data.status) && anyFailed && (
          <button
            type="button"
            onClick={act(`/api/suites/${id}/rerun`, { only: 'failed' }, (created) => navigate(`/suites/${created.id}`))}
          >
            Rerun the failures
          </button>
        )}
      </div>
      <ErrorLines error={actionError} />
      <dl class="facts">
        <dt>Created</dt>
        <dd>{when(data.createdAt)}</dd>
        <dt>Duration</dt>
        <dd>{duration(data.durationMs)}</dd>
        <dt>Concurrency</dt>
        <dd>{data.concurrency ?? 'as many as the workers take'}</dd>
        <dt>Webhook</dt>
        <dd>{data.webhookStatus ?? '—'}</dd>
      </dl>
      <h2>Tests</h2>
      <table class="list">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Test</th>
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {data.runs.map((run) => (
            <tr key={run.id}>
              <td>{(run.suiteIndex ?? 0) + 1}</td>
              <td>
                <Link href={`/runs/${run.id}`}>{run.name}</Link>
              </td>
              <td>
                <Status status={run.status} />
              </td>
              <td>{duration(run.durationMs)}</td>
              <td class="error-text">{run.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
