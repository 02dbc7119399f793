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
  return (
    <NavLink
      to={paths.approvals()}
      className="topbar-link approvals-link"
      aria-label={`Approvals, ${pending} pending`}
      data-testid="approvals-link"
    >
      Approvals
      {pending > 0 ? (
        <span className="approvals-count" aria-hidden="true">
          {pending}
        </span>
      ) : null}
    </NavLink>
  );
}
