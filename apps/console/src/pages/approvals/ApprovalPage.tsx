import type { ApprovalDetail } from '@slipway/contracts';
import { Link, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { DetailPage } from '../../components/page/DetailPage.tsx';
import { useApproval } from '../../features/approvals/api/queries.ts';
import { approvalProgress, approvalSubject } from '../../features/approvals/approval-format.ts';
import { ApprovalDecisions } from '../../features/approvals/components/ApprovalDecisions.tsx';
import { ApprovalDiffView } from '../../features/approvals/components/ApprovalDiffView.tsx';
import { DecisionForm } from '../../features/approvals/components/DecisionForm.tsx';
import { formatTime } from '../../features/runs/format.ts';
import '../../features/releases/releases.css';

/** Project, environment, release type, who asked, the run and release, the policy and the commits. */
function RequestSummary({ approval }: { approval: ApprovalDetail }) {
  const project = { workspace: approval.workspace, project: approval.project };
  return (
    <dl className="properties card">
      <dt>Project</dt>
      <dd>
        <Link className="release-text-link" to={paths.project(approval.workspace, approval.project)}>
          {approval.project}
        </Link>{' '}
        <span className="muted small">in {approval.workspace}</span>
      </dd>
      <dt>Environment</dt>
      <dd>
        <Link to={paths.environment(approval.workspace, approval.environment)}>{approval.environment}</Link>
      </dd>
      <dt>Release type</dt>
      <dd>{approval.releaseType ?? '—'}</dd>
      <dt>Started by</dt>
      <dd>
        {approval.requestedBy} <span className="muted small">{formatTime(approval.requestedAt)}</span>
      </dd>
      {approval.run ? (
        <>
          <dt>Run</dt>
          <dd>
            <Link
              to={paths.run({ ...project, pipeline: approval.run.pipeline, number: approval.run.number })}
            >
              {approval.run.pipeline} #{approval.run.number}
            </Link>
          </dd>
        </>
      ) : null}
      {approval.release !== null ? (
        <>
          <dt>Release</dt>
          <dd>
            <Link to={paths.release({ ...project, number: approval.release })}>#{approval.release}</Link>
          </dd>
        </>
      ) : null}
      <dt>Policy</dt>
      <dd>
        {approvalProgress(approval)} from the role <code>{approval.approverRole}</code>
      </dd>
      <dt>Expires</dt>
      <dd>{approval.expiresAt ? formatTime(approval.expiresAt) : '—'}</dd>
      <dt>Commits</dt>
      <dd>
        {approval.commits.length === 0 ? <span className="muted">none listed</span> : null}
        {approval.commits.length > 0 ? (
          <ul className="release-decisions" aria-label="Commits">
            {approval.commits.map((commit) => (
              <li key={commit.sha}>
                <code>{commit.sha.slice(0, 8)}</code> {commit.message}{' '}
                <span className="muted small">{commit.author}</span>
              </li>
            ))}
          </ul>
        ) : null}
      </dd>
    </dl>
  );
}

/** One approval request: what it is, what it would change (the dry-run diff), who decided, and the decision. */
export function ApprovalPage() {
  const id = useParams().id ?? '';
  const approval = useApproval(id);
  const a = approval.data;
  return (
    <DetailPage
      title={
        a ? (
          <>
            Approve {approvalSubject(a)} <span className="badge">{a.status}</span>
          </>
        ) : (
          'Approval request'
        )
      }
      subtitle={a ? <p>{`into ${a.environment}, requested by ${a.requestedBy}`}</p> : null}
      query={approval}
      errorTitle="Cannot open approval request"
    >
      {() =>
        a ? (
          <>
            <RequestSummary approval={a} />
            <h2>Decisions</h2>
            <ApprovalDecisions decisions={a.decisions} />
            {a.status === 'pending' ? <DecisionForm approval={a} /> : null}
            {a.diff ? <ApprovalDiffView diff={a.diff} /> : null}
          </>
        ) : null
      }
    </DetailPage>
  );
}
