import type { ReleaseDiff } from '@slipway/contracts';
import { type ConfigValueCell, configValueCell } from '../release-format.ts';
import '../releases.css';

function Value({ cell }: { cell: ConfigValueCell }) {
  if (cell.kind === 'absent') return <span className="muted">—</span>;
  if (cell.kind === 'hidden') return <span className="muted">hidden (secret)</span>;
  return <pre className="release-config-value">{cell.text}</pre>;
}

/**
 * Config key by key, per set: what changed between two sides (secret values never shown).
 * `fromLabel`/`toLabel` head the value columns (`Release #1`, `Live`); `empty` is said when
 * neither side mounted a config set. Used by the release diff and the approval page.
 */
export function ConfigChanges(props: {
  config: ReleaseDiff['config'];
  fromLabel: string;
  toLabel: string;
  empty: string;
}) {
  if (props.config.length === 0) return <p className="muted">{props.empty}</p>;
  return (
    <>
      {props.config.map((set) => {
        const changed = set.entries.filter((entry) => entry.change !== 'unchanged');
        const unchanged = set.entries.length - changed.length;
        return (
          <section key={set.name} aria-label={`Config set ${set.name}`}>
            <h3>
              {set.name}: {set.fromVersion === null ? 'none' : `v${set.fromVersion}`} →{' '}
              {set.toVersion === null ? 'none' : `v${set.toVersion}`}
            </h3>
            {changed.length > 0 ? (
              <div className="table-scroll">
                <table className="table" aria-label={`Changes of ${set.name}`}>
                  <thead>
                    <tr>
                      <th>Key</th>
                      <th>Change</th>
                      <th>{props.fromLabel}</th>
                      <th>{props.toLabel}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {changed.map((entry) => (
                      <tr key={entry.key}>
                        <td>
                          <code>{entry.key}</code>
                        </td>
                        <td>
                          <span className={`badge release-change-${entry.change}`}>{entry.change}</span>
                        </td>
                        <td>
                          <Value cell={configValueCell(entry, 'old')} />
                        </td>
                        <td>
                          <Value cell={configValueCell(entry, 'new')} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
            <p className="muted small">
              {changed.length === 0 ? 'No key changed. ' : ''}
              {unchanged === 1 ? '1 key unchanged.' : `${unchanged} keys unchanged.`}
            </p>
          </section>
        );
      })}
    </>
  );
}
