import type { ConfigEntryChange } from '@slipway/contracts';
import { isMultiLine, sideBySide } from '../editor/line-diff.ts';
import '../config.css';

const CHANGE_LABELS: Record<ConfigEntryChange['change'], string> = {
  added: 'added',
  removed: 'removed',
  changed: 'changed',
  unchanged: 'unchanged',
};

/** A multi-line value (a whole file) before and after, side by side, line by line. */
function SideBySide({ entry }: { entry: ConfigEntryChange }) {
  const rows = sideBySide(entry.old ?? '', entry.new ?? '');
  return (
    <div className="table-scroll">
      <table className="line-diff" aria-label={`Changes of ${entry.key}`}>
        <thead>
          <tr>
            <th colSpan={2}>Before</th>
            <th colSpan={2}>After</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={`${row.old?.number ?? '-'}:${row.new?.number ?? '-'}`}>
              <td className="line-diff-number">{row.old?.number ?? ''}</td>
              <td className={`line-diff-text line-diff-${row.old?.kind ?? 'none'}`}>
                {row.old ? <span>{row.old.kind === 'removed' ? '- ' : '  '}</span> : null}
                {row.old?.text}
              </td>
              <td className="line-diff-number">{row.new?.number ?? ''}</td>
              <td className={`line-diff-text line-diff-${row.new?.kind ?? 'none'}`}>
                {row.new ? <span>{row.new.kind === 'added' ? '+ ' : '  '}</span> : null}
                {row.new?.text}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One value inline: `old → new` for a change, the single value for an addition or removal. */
function InlineChange({ entry }: { entry: ConfigEntryChange }) {
  if (entry.change === 'changed') {
    return (
      <>
        <code className="config-old">{entry.old}</code> → <code className="config-new">{entry.new}</code>
      </>
    );
  }
  const value = entry.change === 'removed' ? entry.old : entry.new;
  return <code className={entry.change === 'removed' ? 'config-old' : 'config-new'}>{value}</code>;
}

/**
 * Key by key changes between two sets of config entries (a draft against the current version,
 * or two versions): added, removed, changed with old → new, and multi-line values side by side.
 * Unchanged keys are counted, not listed.
 */
export function ConfigDiff({ entries, label }: { entries: readonly ConfigEntryChange[]; label: string }) {
  const changed = entries.filter((entry) => entry.change !== 'unchanged');
  const unchanged = entries.length - changed.length;
  if (changed.length === 0) return <p className="muted">No changes.</p>;
  return (
    <div className="config-diff">
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            <th>Key</th>
            <th>Change</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {changed.map((entry) => (
            <tr key={entry.key} className={`config-change-${entry.change}`}>
              <td>
                <code>{entry.key}</code>
              </td>
              <td>
                <span className={`badge config-badge-${entry.change}`}>{CHANGE_LABELS[entry.change]}</span>
              </td>
              <td className="config-diff-value">
                {entry.change === 'changed' && isMultiLine(entry.old, entry.new) ? (
                  <SideBySide entry={entry} />
                ) : (
                  <InlineChange entry={entry} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {unchanged > 0 ? (
        <p className="muted small">
          {unchanged} unchanged {unchanged === 1 ? 'key' : 'keys'}
        </p>
      ) : null}
    </div>
  );
}
