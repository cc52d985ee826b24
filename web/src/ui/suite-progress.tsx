import type { Suite } from '../types';

/** How far a suite is: a bar of its ended runs by outcome, and the same in words. */
export function SuiteProgress({ suite }: { suite: Suite }) {
  const ended = suite.passed + suite.failed + suite.errored + suite.cancelled;
  const total = Math.max(suite.total, 1);
  const part = (n: number) => ({ width: `${(n / total) * 100}%` });
  return (
    <div class="progress-block">
      <div
        class="progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={suite.total}
        aria-valuenow={ended}
        aria-label={`${ended} of ${suite.total} tests ended`}
      >
        <span class="bar-passed" style={part(suite.passed)} />
        <span class="bar-failed" style={part(suite.failed)} />
        <span class="bar-error" style={part(suite.errored)} />
        <span class="bar-cancelled" style={part(suite.cancelled)} />
      </div>
      <span class="muted progress-words">
        {ended}/{suite.total} · {suite.passed} passed{suite.failed ? ` · ${suite.failed} failed` : ''}
        {suite.errored ? ` · ${suite.errored} error` : ''}
        {suite.cancelled ? ` · ${suite.cancelled} cancelled` : ''}
      </span>
    </div>
  );
}
