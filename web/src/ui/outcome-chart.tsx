import type { FinalStatus, RunStats } from '../types';

const SERIES: Array<[FinalStatus, string]> = [
  ['passed', 'Passed'],
  ['failed', 'Failed'],
  ['error', 'Error'],
  ['timed_out', 'Timed out'],
  ['cancelled', 'Cancelled'],
];

/**
 * Runs per hour by outcome over the last day: stacked bars, drawn as SVG by the page (no
 * chart library). The same numbers are in a table beside it for screen readers.
 */
export function OutcomeChart({ hours }: { hours: RunStats['lastDay'] }) {
  const width = 720;
  const height = 160;
  const barWidth = width / hours.length;
  const max = Math.max(1, ...hours.map((hour) => SERIES.reduce((sum, [status]) => sum + hour[status], 0)));
  const total = hours.reduce((sum, hour) => sum + SERIES.reduce((s, [status]) => s + hour[status], 0), 0);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height + 18}`} role="img" aria-labelledby="chart-title">
        <title id="chart-title">{`Runs per hour by outcome, last 24 hours: ${total} runs`}</title>
        {hours.map((hour, i) => {
          let y = height;
          return (
            <g key={hour.hour}>
              {SERIES.map(([status]) => {
                const h = (hour[status] / max) * (height - 4);
                y -= h;
                return h > 0 ? (
                  <rect key={status} class={`bar-${status}`} x={i * barWidth + 2} y={y} width={barWidth - 4} height={h}>
                    <title>{`${new Date(hour.hour).getHours()}:00 — ${hour[status]} ${status.replace('_', ' ')}`}</title>
                  </rect>
                ) : null;
              })}
              {i % 3 === 0 && (
                <text x={i * barWidth + barWidth / 2} y={height + 14} text-anchor="middle" class="axis">
                  {`${new Date(hour.hour).getHours()}h`}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul class="legend">
          {SERIES.map(([status, label]) => (
            <li key={status}>
              <span class={`swatch bar-${status}`} aria-hidden="true" />
              {label}
            </li>
          ))}
        </ul>
      </figcaption>
      <details>
        <summary>The numbers</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Hour</th>
              {SERIES.map(([status, label]) => (
                <th scope="col" key={status}>
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {hours.map((hour) => (
              <tr key={hour.hour}>
                <th scope="row">
                  {new Date(hour.hour).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}
                </th>
                {SERIES.map(([status]) => (
                  <td key={status}>{hour[status]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
