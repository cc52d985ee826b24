import { useEffect } from 'preact/hooks';
import { Link } from '../router';
import { ago, duration } from '../format';
import type { QueueCounts, RunStats, Worker } from '../types';
import { ErrorLines } from '../ui/errors';
import { OutcomeChart } from '../ui/outcome-chart';
import { Status } from '../ui/status';
import { useApi } from '../ui/use-api';

interface DetailedHealth {
  info?: { queues?: { queues?: QueueCounts[] } };
  details?: { queues?: { queues?: QueueCounts[] } };
}

/** Refreshes every few seconds: the numbers on this page are counts, not single jobs to follow. */
const REFRESH_MS = 5000;

export function OverviewPage() {
  const stats = useApi<RunStats>('/api/runs/stats');
  const workers = useApi<{ items: Worker[] }>('/api/workers');
  const health = useApi<DetailedHealth>('/api/health/detailed');
  useEffect(() => {
    const timer = setInterval(() => {
      stats.reload();
      workers.reload();
      health.reload();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const queues = health.data?.details?.queues?.queues ?? health.data?.info?.queues?.queues ?? [];
  const s = stats.data;
  return (
    <section>
      <h1>Overview</h1>
      <ErrorLines error={stats.error} />
      {s && (
        <div class="cards">
          <div class="card">
            <h2>Running</h2>
            <p class="big">
              {s.running} <small>of {s.projectRunningLimit ?? s.runningCapacity}</small>
            </p>
            <meter
              min={0}
              max={s.projectRunningLimit ?? s.runningCapacity}
              value={s.running}
              aria-label="Running against capacity"
            />
          </div>
          <div class="card">
            <h2>Queued</h2>
            <p class="big">
              {s.queued} <small>of {s.projectQueuedLimit ?? s.queuedCapacity}</small>
            </p>
            <meter
              min={0}
              max={s.projectQueuedLimit ?? s.queuedCapacity}
              value={s.queued}
              aria-label="Queued against capacity"
            />
          </div>
          <div class="card">
            <h2>Live workers</h2>
            <p class="big">{workers.data?.items.length ?? '…'}</p>
          </div>
        </div>
      )}
      <h2>Runs in the last day</h2>
      {s ? <OutcomeChart hours={s.lastDay} /> : <p class="loading">Loading…</p>}
      <div class="columns">
        <div>
          <h2>Last failures</h2>
          {s && s.recentFailures.length === 0 && <p>No run has failed.</p>}
          <ul class="plain">
            {s?.recentFailures.map((run) => (
              <li key={run.id}>
                <Status status={run.status} /> <Link href={`/runs/${run.id}`}>{run.name}</Link>{' '}
                <span class="muted">
                  {ago(run.finishedAt)} · {duration(run.durationMs)}
                </span>
                {run.error && <p class="error-text">{run.error}</p>}
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h2>Queues</h2>
          <table>
            <caption class="visually-hidden">Jobs per queue, all projects</caption>
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col">Waiting</th>
                <th scope="col">Active</th>
                <th scope="col">Delayed</th>
                <th scope="col">Failed</th>
                <th scope="col">Workers</th>
              </tr>
            </thead>
            <tbody>
              {queues.map((queue) => (
                <tr key={queue.name}>
                  <th scope="row">{queue.name}</th>
                  <td>{queue.waiting}</td>
                  <td>{queue.active}</td>
                  <td>{queue.delayed}</td>
                  <td>{queue.failed}</td>
                  <td>{queue.workers}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}
