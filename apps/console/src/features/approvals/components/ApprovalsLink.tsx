import { NavLink } from 'react-router';
import { paths } from '../../../app/paths.ts';
import { useApprovalCount } from '../api/queries.ts';

/**
 * The top bar's way into the approvals inbox, with how many requests wait for the signed-in
 * user's decision (read every 15 s, and again after each decision).
 */
export function ApprovalsLink() {
  const count = useApprovalCount();
  const pending = count.data?.pending ?? 0;
  // The name is the visible text plus the words around the number ("Approvals 2 pending"), so
  // speech input ("click Approvals") finds it (WCAG 2.5.3, axe label-content-name-mismatch).
  return (
    <NavLink to={paths.approvals()} className="topbar-link approvals-link" data-testid="approvals-link">
      Approvals{' '}
      {pending > 0 ? (
        <span className="approvals-count">{pending}</span>
      ) : (
        <span className="visually-hidden">0</span>
      )}
      <span className="visually-hidden"> pending</span>
    </NavLink>
  );
}
