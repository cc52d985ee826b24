import { ApiError } from '../api';

/** An API refusal, line by line, announced to screen readers. */
export function ErrorLines({ error }: { error: unknown }) {
  if (!error) return null;
  const lines = error instanceof ApiError ? error.lines : [error instanceof Error ? error.message : String(error)];
  return (
    <div class="error-box" role="alert">
      {lines.length === 1 ? (
        <p>{lines[0]}</p>
      ) : (
        <ul>
          {lines.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
