import type { Release } from '@slipway/contracts';
import { useNavigate } from 'react-router';
import { paths } from '../../../app/paths.ts';
import { Gate } from '../../../components/Gate.tsx';
import { useConfirm } from '../../../components/page/use-confirm.tsx';
import { useEnvironments } from '../../environments/api/queries.ts';
import { newIdempotencyKey } from '../../runs/api/idempotency-key.ts';
import { usePromote } from '../api/mutations.ts';
import { canPromote, manifestsLabel, nextEnvironment } from '../release-format.ts';
import { rollbackPermission } from './RollbackButton.tsx';

/**
 * "Promote to <next environment>": asks first (what goes — image with digest, manifests — and
 * that the target's own newest config and approval policy apply), then makes the release there
 * and opens it. Shown for a release that went live once, when a next environment with a
 * cluster exists, to users who may deploy into it.
 */
export function PromoteButton({ workspace, release }: { workspace: string; release: Release }) {
  const environments = useEnvironments(workspace);
  const ref = { workspace, project: release.project, number: release.number };
  const promote = usePromote(ref);
  const navigate = useNavigate();
  const { confirm, dialog } = useConfirm();
  const target = nextEnvironment(environments.data?.items ?? [], release.environment);
  if (!canPromote(release) || !target?.cluster) return null;
  const policy = target.approvalPolicy;

  const start = async () => {
    let made: Release | undefined;
    const idempotencyKey = newIdempotencyKey();
    const confirmed = await confirm({
      title: `Promote release #${release.number} to ${target.name}`,
      body: (
        <>
          <p>
            Deploy what release #{release.number} of {release.project} runs in {release.environment} into{' '}
            <strong>{target.name}</strong>
            {target.production ? ' (production)' : ''}, as a new release there:
          </p>
          <dl className="properties">
            <dt>Image</dt>
            <dd>
              {release.image ? <code>{release.image}</code> : '—'}
              {release.imageDigest ? (
                <div>
                  <code className="small">{release.imageDigest}</code>
                </div>
              ) : null}
            </dd>
            <dt>Manifests</dt>
            <dd>{manifestsLabel(release)}</dd>
            <dt>Config</dt>
            <dd>the newest version of each config set in {target.name}</dd>
            <dt>Policy</dt>
            <dd>
              {policy.requiredApprovals === 0
                ? 'no approval needed'
                : `${policy.requiredApprovals} approval${policy.requiredApprovals === 1 ? '' : 's'} from ${policy.approverRole} first`}
            </dd>
          </dl>
        </>
      ),
      confirmLabel: `Promote to ${target.name}`,
      action: async () => {
        made = await promote.mutateAsync({ environment: target.name, idempotencyKey });
      },
    });
    if (confirmed && made) navigate(paths.release({ ...ref, number: made.number }));
  };

  return (
    <>
      <Gate
        permission={rollbackPermission(target.production)}
        workspace={workspace}
        project={release.project}
      >
        <button type="button" className="button" onClick={start}>
          Promote to {target.name}
        </button>
      </Gate>
      {dialog}
    </>
  );
}
