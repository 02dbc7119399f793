import type { EnvironmentCopySchema } from '@slipway/contracts';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import type { z } from 'zod';
import { paths } from '../../../app/paths.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { Gate } from '../../../components/Gate.tsx';
import { Modal } from '../../../components/Modal.tsx';
import { useEnvironments } from '../../environments/api/queries.ts';
import { useCopyEnvironment } from '../api/mutations.ts';

type EnvironmentCopy = z.infer<typeof EnvironmentCopySchema>;

const OUTCOME_BADGE = { created: 'badge-ok', skipped: '', failed: 'badge-error' } as const;

/** What a copy did, a row per project: outcome, the release made (a link) and why not. */
function CopySummary({ workspace, copy }: { workspace: string; copy: EnvironmentCopy }) {
  if (copy.items.length === 0) return <p className="muted">No project of the workspace has releases here.</p>;
  return (
    <div className="table-scroll">
      <table className="table" aria-label="Copy summary">
        <thead>
          <tr>
            <th>Project</th>
            <th>Outcome</th>
            <th>Release</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {copy.items.map((item) => (
            <tr key={item.project}>
              <td>{item.project}</td>
              <td>
                <span className={`badge ${OUTCOME_BADGE[item.outcome]}`}>{item.outcome}</span>
              </td>
              <td>
                {item.release ? (
                  <Link to={paths.release({ workspace, project: item.project, number: item.release.number })}>
                    #{item.release.number}
                  </Link>
                ) : (
                  '—'
                )}
                {item.from !== null ? <span className="muted small"> from #{item.from}</span> : null}
              </td>
              <td>{item.message ?? (item.release ? item.release.status : '')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * "Copy to environment…": choose another environment of the workspace, confirm, and every
 * project's live release here is promoted there as its own release (the target's config,
 * policy and queue apply); then a summary per project. Shown to users who may manage the
 * workspace's environments (the API also needs deploy permission per project, else skipped).
 */
export function CopyEnvironmentButton({
  workspace,
  environment,
}: {
  workspace: string;
  environment: string;
}) {
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState('');
  const selectId = useId();
  const environments = useEnvironments(workspace);
  const copy = useCopyEnvironment(workspace, environment);
  const others = (environments.data?.items ?? []).filter((e) => e.name !== environment);
  const chosen = target || others[0]?.name || '';
  const close = () => {
    setOpen(false);
    setTarget('');
    copy.reset();
  };
  return (
    <>
      <Gate permission="workspace.environments.manage" workspace={workspace}>
        <button type="button" className="button" onClick={() => setOpen(true)}>
          Copy to environment…
        </button>
      </Gate>
      <Modal title={`Copy ${environment} to another environment`} open={open} onClose={close}>
        {copy.data ? (
          <div className="form">
            <p>
              Copied the live releases of {copy.data.from} to <strong>{copy.data.to}</strong>:
            </p>
            <CopySummary workspace={workspace} copy={copy.data} />
            <div className="form-actions">
              <button type="button" className="button button-primary" onClick={close}>
                Close
              </button>
            </div>
          </div>
        ) : (
          <form
            className="form"
            onSubmit={(event) => {
              event.preventDefault();
              if (chosen) copy.mutate(chosen);
            }}
          >
            <ErrorNotice error={copy.error} />
            <div className="field">
              <label htmlFor={selectId}>Target environment</label>
              <select id={selectId} value={chosen} onChange={(event) => setTarget(event.target.value)}>
                {others.map((other) => (
                  <option key={other.name} value={other.name}>
                    {other.name}
                    {other.production ? ' (production)' : ''}
                  </option>
                ))}
              </select>
            </div>
            <p>
              Every project’s live release in {environment} is promoted to {chosen || 'the target'} as its own
              release: the same image and manifests, that environment’s newest config, approval policy and
              queue. Projects without a live release here, or where you may not deploy there, are skipped.
            </p>
            <div className="form-actions">
              <button type="button" className="button" onClick={close}>
                Cancel
              </button>
              <button type="submit" className="button button-primary" disabled={!chosen || copy.isPending}>
                {copy.isPending ? 'Working…' : `Copy to ${chosen || '…'}`}
              </button>
            </div>
          </form>
        )}
      </Modal>
    </>
  );
}
