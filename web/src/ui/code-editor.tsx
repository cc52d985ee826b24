/**
 * A plain text editor with line numbers, and problems shown at their lines: the line's
 * number is marked and the message listed under the editor, linked to that line. A
 * textarea underneath (keyboard, screen readers, paste and undo work as everywhere).
 */
export function CodeEditor(props: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  problems: Array<{ line: number; message: string }>;
}) {
  const lineCount = Math.max(props.value.split('\n').length, 8);
  const marked = new Set(props.problems.map((problem) => problem.line));
  const focusLine = (line: number) => {
    const area = document.getElementById(props.id) as HTMLTextAreaElement | null;
    if (!area) return;
    const lines = props.value.split('\n');
    const start = lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0);
    area.focus();
    area.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
  };
  return (
    <div class="editor-block">
      <label for={props.id}>{props.label}</label>
      <div class="editor">
        <ol class="gutter" aria-hidden="true">
          {Array.from({ length: lineCount }, (_, i) => (
            <li key={i} class={marked.has(i + 1) ? 'marked' : undefined}>
              {i + 1}
            </li>
          ))}
        </ol>
        <textarea
          id={props.id}
          rows={lineCount}
          spellcheck={false}
          autocapitalize="off"
          value={props.value}
          onInput={(event) => props.onInput((event.currentTarget as HTMLTextAreaElement).value)}
          aria-invalid={props.problems.length > 0}
          aria-describedby={props.problems.length > 0 ? `${props.id}-problems` : undefined}
          onKeyDown={(event) => {
            // Tab indents inside the editor; Escape then Tab leaves it (keyboard users are not trapped).
            if (event.key !== 'Tab' || event.shiftKey || (event.currentTarget as HTMLTextAreaElement).dataset.leave)
              return;
            event.preventDefault();
            const area = event.currentTarget as HTMLTextAreaElement;
            area.setRangeText('  ', area.selectionStart, area.selectionEnd, 'end');
            props.onInput(area.value);
          }}
          onKeyUp={(event) => {
            const area = event.currentTarget as HTMLTextAreaElement;
            if (event.key === 'Escape') area.dataset.leave = '1';
            else if (event.key !== 'Tab') delete area.dataset.leave;
          }}
        />
      </div>
      {props.problems.length > 0 && (
        <ul id={`${props.id}-problems`} class="problems" role="alert">
          {props.problems.map((problem, i) => (
            <li key={i}>
              <button type="button" class="link" onClick={() => focusLine(problem.line)}>
                Line {problem.line}
              </button>
              : {problem.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
