import type { Permission, Release } from '@slipway/contracts';
import { useNavigate } from 'react-router';
import { paths } from '../../../app/paths.ts';
import { Gate } from '../../../components/Gate.tsx';
import { useConfirm } from '../../../components/page/use-confirm.tsx';
import { useEnvironment } from '../../environments/api/queries.ts';
import { newIdempotencyKey } from '../../runs/api/idempotency-key.ts';
import { useRollback } from '../api/mutations.ts';
import { canRollBackTo, configLabel } from '../release-format.ts';

/**
 * The permission a rollback into an environment needs: deploying there (issue #13: `deploy`
 * on that environment, `deploy.production` for a production one).
 */
export function rollbackPermission(production: boolean): Permission {
  return production ? 'deploy.production' : 'deploy.nonproduction';
}

/**
 * "Roll back to this release": asks first (naming the environment, image and config versions
 * that come back), then makes the new release and opens its page. Shown only for a release
 * that was live once, into an environment that has a cluster, to users who may deploy there.
 */
export function RollbackButton({ workspace, release }: { workspace: string; release: Release }) {
  const environment = useEnvironment(workspace, release.environment);
  const ref = { workspace, project: release.project, number: release.number };
  const rollback = useRollback(ref);
  const navigate = useNavigate();
  const { confirm, dialog } = useConfirm();
  // A rollback deploys: an environment without a cluster has nowhere to put it (the API says 400).
  if (!canRollBackTo(release.status) || !environment.data?.cluster) return null;

  const start = async () => {
    let made: Release | undefined;
    // One key per confirmation: a retried or doubled send makes one release.
    const idempotencyKey = newIdempotencyKey();
    const confirmed = await confirm({
      title: `Roll back ${release.environment} to release #${release.number}`,
      body: (
        <>
          <p>
            Deploy release #{release.number} of {release.project} again into{' '}
            <strong>{release.environment}</strong>
            {environment.data?.production ? ' (production)' : ''}, as a new release:
          </p>
          <dl className="properties">
            <dt>Image</dt>
            <dd>{release.image ? <code>{release.image}</code> : '—'}</dd>
            <dt>Config</dt>
            <dd>{configLabel(release) || '—'}</dd>
          </dl>
        </>
      ),
      confirmLabel: 'Roll back',
      action: async () => {
        made = await rollback.mutateAsync({ idempotencyKey });
      },
    });
    if (confirmed && made) navigate(paths.release({ ...ref, number: made.number }));
  };

  return (
    <>
      <Gate
        permission={rollbackPermission(environment.data.production)}
        workspace={workspace}
        project={release.project}
      >
        <button type="button" className="button" onClick={start}>
          Roll back to this release
        </button>
      </Gate>
      {dialog}
    </>
  );
}
