import { type ConfigRow, newRow } from '../editor/config-entries.ts';
import '../config.css';

/** Lines shown for a value: a one-liner stays one line, a file grows with its text (up to 20). */
function rowsFor(value: string): number {
  return Math.min(Math.max(value.split('\n').length, 1), 20);
}

/**
 * The key/value editor of one config version: a row per key, the value a textarea (a value
 * may be a whole file such as `application.yml`), "Add key" and a remove button per row.
 * `problems` (by row id) are shown under their row.
 */
export function ConfigEntriesEditor(props: {
  rows: readonly ConfigRow[];
  onChange: (rows: ConfigRow[]) => void;
  problems: ReadonlyMap<number, string>;
  readOnly: boolean;
}) {
  const { rows, onChange, problems, readOnly } = props;
  const edit = (id: number, patch: Partial<ConfigRow>) =>
    onChange(rows.map((row) => (row.id === id ? { ...row, ...patch } : row)));
  return (
    <div className="config-rows">
      {rows.map((row, index) => {
        const problem = problems.get(row.id);
        const errorId = `config-row-${row.id}-error`;
        return (
          <div className="config-row" key={row.id}>
            <input
              aria-label={`Key ${index + 1}`}
              value={row.key}
              placeholder="KEY or application.yml"
              readOnly={readOnly}
              spellCheck={false}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? errorId : undefined}
              onChange={(event) => edit(row.id, { key: event.target.value })}
            />
            <textarea
              aria-label={`Value ${index + 1}`}
              value={row.value}
              rows={rowsFor(row.value)}
              readOnly={readOnly}
              spellCheck={false}
              onChange={(event) => edit(row.id, { value: event.target.value })}
            />
            {readOnly ? (
              <span />
            ) : (
              <button
                type="button"
                className="button"
                aria-label={`Remove key ${row.key || index + 1}`}
                onClick={() => onChange(rows.filter((other) => other.id !== row.id))}
              >
                Remove
              </button>
            )}
            {problem ? (
              <p className="config-row-error" id={errorId}>
                {problem}
              </p>
            ) : null}
          </div>
        );
      })}
      {rows.length === 0 ? <p className="muted">No keys yet.</p> : null}
      {readOnly ? null : (
        <div>
          <button type="button" className="button" onClick={() => onChange([...rows, newRow()])}>
            Add key
          </button>
        </div>
      )}
    </div>
  );
}
