import type { ReleaseDecisionSchema } from '@slipway/contracts';
import type { z } from 'zod';
import { formatTime } from '../../runs/format.ts';
import '../../releases/releases.css';

type Decision = z.infer<typeof ReleaseDecisionSchema>;

/**
 * Who decided, how, when and why — kept on the release and shown on the approval page, the
 * release page and the run page. A platform admin's decision without the approver role is
 * flagged (the separation-of-duties report flags it too).
 */
export function ApprovalDecisions({ decisions }: { decisions: readonly Decision[] }) {
  if (decisions.length === 0) return <p className="muted small">No decision yet.</p>;
  return (
    <ul className="release-decisions" aria-label="Decisions">
      {decisions.map((d) => (
        <li key={`${d.user}-${d.at}`}>
          <span className={`badge ${d.decision === 'approve' ? 'badge-ok' : 'badge-error'}`}>
            {d.decision === 'approve' ? 'approved' : 'rejected'}
          </span>{' '}
          <strong>{d.user}</strong> <span className="muted small">{formatTime(d.at)}</span>
          {d.adminOverride ? (
            <>
              {' '}
              <span className="badge">admin override</span>
            </>
          ) : null}
          {d.comment ? <p className="release-decision-comment">{d.comment}</p> : null}
        </li>
      ))}
    </ul>
  );
}
