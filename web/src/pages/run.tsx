import { useState } from 'preact/hooks';
import { api, type Session } from '../api';
import { duration, isFinal, when } from '../format';
import { useLive } from '../live';
import { Link, navigate } from '../router';
import type { RunArtifact, RunDetail, RunStep, RunTest, TestError, TestStep } from '../types';
import { ErrorLines } from '../ui/errors';
import { Status } from '../ui/status';
import { useApi } from '../ui/use-api';

const canTrigger = (session: Session) => session.scopes.includes('trigger');

/** Playwright's trace viewer, served by the API under the run, opening one of its trace files. */
export const traceViewerUrl = (runId: string, artifact: RunArtifact) =>
  `/api/runs/${runId}/trace/index.html?trace=${encodeURIComponent(new URL(artifact.url, window.location.origin).href)}`;

function CodeFrame({ error }: { error: TestError }) {
  return (
    <div class="test-error">
      <pre class="error-text">{error.message}</pre>
      {error.location && (
        <p class="muted">
          at {error.location.file}:{error.location.line}:{error.location.column}
        </p>
      )}
      {error.snippet && <pre class="code-frame">{error.snippet}</pre>}
    </div>
  );
}

function StepTree({ steps, total }: { steps: TestStep[]; total: number }) {
  if (steps.length === 0) return null;
  return (
    <ul class="step-tree">
      {steps.map((step, i) => (
        <li key={i} class={step.error ? 'failed' : undefined}>
          <div class="step-line">
            <span class={`category category-${step.category.replace(/[^a-z]/gi, '')}`}>{step.category}</span>
            <span class="step-title">{step.title}</span>
            <span class="step-duration">{duration(step.durationMs)}</span>
            <span class="step-bar" aria-hidden="true">
              <span style={{ width: `${Math.max(1, (step.durationMs / Math.max(total, 1)) * 100)}%` }} />
            </span>
          </div>
          {step.error && <CodeFrame error={step.error} />}
          <StepTree steps={step.steps} total={total} />
        </li>
      ))}
    </ul>
  );
}

function Attachment({
  runId,
  name,
  contentType,
  artifact,
}: {
  runId: string;
  name: string;
  contentType: string;
  artifact: string;
}) {
  const url = `/api/runs/${runId}/artifacts/${encodeURIComponent(artifact)}`;
  if (contentType.startsWith('image/'))
    return (
      <a href={url} target="_blank" rel="noopener">
        <img src={url} alt={`Attachment ${name}`} class="shot" loading="lazy" />
      </a>
    );
  if (contentType.startsWith('video/'))
    return <video src={url} controls preload="metadata" aria-label={`Video ${name}`} class="video" />;
  return (
    <a href={url} target="_blank" rel="noopener">
      {name}
    </a>
  );
}

function Tests({ run }: { run: RunDetail }) {
  return (
    <ol class="tests">
      {run.tests.map((test: RunTest) => (
        <li key={test.index} class="test">
          <h3>
            <Status status={test.status} /> {[...test.describePath, test.title].join(' › ')}
          </h3>
          <p class="muted">
            {test.file}:{test.line} · {duration(test.durationMs)}
            {test.attempts > 1 ? ` · ${test.attempts} attempts` : ''}
          </p>
          {test.errors.map((error, i) => (
            <CodeFrame key={i} error={error} />
          ))}
          <StepTree steps={test.steps} total={test.durationMs} />
          {test.attachments.length > 0 && (
            <div class="attachments">
              {test.attachments
                .filter((attachment) => !attachment.artifact.endsWith('.zip'))
                .map((attachment) => (
                  <Attachment key={attachment.artifact} runId={run.id} {...attachment} />
                ))}
            </div>
          )}
          {(test.stdout || test.stderr) && (
            <details>
              <summary>Console output</summary>
              {test.stdout && <pre class="console">{test.stdout}</pre>}
              {test.stderr && <pre class="console error-text">{test.stderr}</pre>}
            </details>
          )}
        </li>
      ))}
    </ol>
  );
}

/** The steps as a waterfall: each bar starts where the steps before it ended, its length its duration. */
function Steps({ run }: { run: RunDetail }) {
  const total = run.steps.reduce((sum, step) => sum + step.durationMs, 0);
  const startOf = (index: number) =>
    run.steps.filter((step) => step.index < index).reduce((sum, step) => sum + step.durationMs, 0);
  return (
    <ol class="timeline">
      {run.steps.map((step: RunStep) => (
        <li key={step.index} class={`step step-${step.status}`}>
          <div class="step-line">
            <span class="step-index">{step.index + 1}</span>
            <span class="step-title">
              <strong>{step.action}</strong> {step.target && <code>{step.target}</code>}
            </span>
            <Status status={step.status} />
            <span class="step-duration">{duration(step.durationMs)}</span>
            <span class="step-bar" aria-hidden="true">
              <span
                style={{
                  marginLeft: `${(startOf(step.index) / Math.max(total, 1)) * 100}%`,
                  width: `${Math.max(1, (step.durationMs / Math.max(total, 1)) * 100)}%`,
                }}
              />
            </span>
          </div>
          {step.error && <pre class="error-text">{step.error}</pre>}
          {step.screenshot && (
            <Attachment runId={run.id} name={step.screenshot} contentType="image/png" artifact={step.screenshot} />
          )}
        </li>
      ))}
    </ol>
  );
}

export function RunPage({ id, session }: { id: string; session: Session }) {
  const run = useApi<RunDetail>(`/api/runs/${id}`);
  const [actionError, setActionError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const data = run.data;

  useLive({ runs: data && !isFinal(data.status) ? [id] : [] }, ({ event, payload }) => {
    if (event === 'end') return run.reload();
    run.set((current) => {
      if (!current) return current;
      if (event === 'run.updated')
        return {
          ...current,
          ...(payload as Partial<RunDetail>),
          steps: current.steps,
          tests: current.tests,
          artifacts: current.artifacts,
        };
      if (event === 'run.step') {
        const step = payload as unknown as RunStep;
        return {
          ...current,
          steps: [...current.steps.filter((s) => s.index !== step.index), step].sort((a, b) => a.index - b.index),
        };
      }
      if (event === 'run.test') {
        const test = payload as unknown as RunTest;
        return {
          ...current,
          tests: [...current.tests.filter((t) => t.index !== test.index), test].sort((a, b) => a.index - b.index),
        };
      }
      return current;
    });
  });

  const act = async (what: () => Promise<void>) => {
    setBusy(true);
    setActionError(undefined);
    try {
      await what();
    } catch (error) {
      setActionError(error);
    } finally {
      setBusy(false);
    }
  };
  const cancel = () =>
    act(async () => {
      await api(`/api/runs/${id}/cancel`, { method: 'POST' });
      run.reload();
    });
  const rerun = () =>
    act(async () => {
      const created = await api<{ id: string }>(`/api/runs/${id}/rerun`, { method: 'POST' });
      navigate(`/runs/${created.id}`);
    });

  if (run.error && !data) return <ErrorLines error={run.error} />;
  if (!data) return <p class="loading">Loading…</p>;
  const isScript = data.tests.length > 0 || 'script' in data.definition;
  const traces = data.artifacts.filter((artifact) => artifact.kind === 'trace');
  const videos = data.artifacts.filter((artifact) => artifact.kind === 'video');
  const shots = data.artifacts.filter(
    (artifact) =>
      artifact.kind === 'screenshot' && !data.steps.some((step) => step.screenshot === artifact.name) && !isScript,
  );
  const others = data.artifacts.filter((artifact) => !['trace', 'video', 'screenshot'].includes(artifact.kind));

  return (
    <section>
      <p class="crumbs">
        <Link href="/runs">Runs</Link>
        {data.suiteId && (
          <>
            {' · '}
            <Link href={`/suites/${data.suiteId}`}>its suite</Link>
          </>
        )}
      </p>
      <div class="title-row">
        <h1>{data.name}</h1>
        <Status status={data.status} />
      </div>
      <div class="actions">
        {canTrigger(session) && !isFinal(data.status) && (
          <button type="button" onClick={cancel} disabled={busy || data.status === 'cancelled'}>
            Cancel
          </button>
        )}
        {canTrigger(session) && (
          <button type="button" onClick={rerun} disabled={busy}>
            Rerun
          </button>
        )}
        {traces.map((trace) => (
          <a key={trace.name} class="button" href={traceViewerUrl(id, trace)} target="_blank" rel="noopener">
            Open trace{traces.length > 1 ? ` (${trace.name})` : ''}
          </a>
        ))}
        {isScript && isFinal(data.status) && (
          <a class="button" href={`/api/runs/${id}/report/`} target="_blank" rel="noopener">
            HTML report
          </a>
        )}
        {!isScript && (
          <a class="button" href={`/api/runs/${id}/spec`} target="_blank" rel="noopener">
            As a Playwright test
          </a>
        )}
      </div>
      <ErrorLines error={actionError} />
      <dl class="facts">
        <dt>Created</dt>
        <dd>{when(data.createdAt)}</dd>
        <dt>Started</dt>
        <dd>{when(data.startedAt)}</dd>
        <dt>Ended</dt>
        <dd>{when(data.finishedAt)}</dd>
        <dt>Duration</dt>
        <dd>{duration(data.durationMs)}</dd>
        <dt>Attempt</dt>
        <dd>{data.attempt}</dd>
        <dt>Worker</dt>
        <dd>{data.worker ?? '—'}</dd>
      </dl>
      {data.error && (
        <>
          <h2>Error</h2>
          <pre class="error-text">{data.error}</pre>
        </>
      )}
      <h2>{isScript ? 'Tests' : 'Steps'}</h2>
      {isScript ? <Tests run={data} /> : <Steps run={data} />}
      {(data.status === 'queued' ||
        (data.status === 'running' && data.steps.length === 0 && data.tests.length === 0)) && (
        <p class="muted">Waiting for a worker to report…</p>
      )}
      {videos.length > 0 && (
        <>
          <h2>Video</h2>
          {videos.map((video) => (
            <video
              key={video.name}
              src={video.url}
              controls
              preload="metadata"
              class="video"
              aria-label={`Video ${video.name}`}
            />
          ))}
        </>
      )}
      {shots.length > 0 && (
        <>
          <h2>Screenshots</h2>
          <div class="attachments">
            {shots.map((shot) => (
              <Attachment
                key={shot.name}
                runId={id}
                name={shot.name}
                contentType={shot.contentType}
                artifact={shot.name}
              />
            ))}
          </div>
        </>
      )}
      {others.length > 0 && (
        <>
          <h2>Files</h2>
          <ul class="plain">
            {others.map((file) => (
              <li key={file.name}>
                <a href={file.url} target="_blank" rel="noopener">
                  {file.name}
                </a>{' '}
                <span class="muted">{Math.ceil(file.sizeBytes / 1024)} KiB</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
