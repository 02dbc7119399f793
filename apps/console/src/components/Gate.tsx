import type { Permission } from '@slipway/contracts';
import { cloneElement, type ReactElement, type ReactNode } from 'react';
import { usePermission } from '../features/access/api/queries.ts';

/**
 * Shows its child only when the user holds `permission`; with `mode="disable"` the child
 * stays visible but inert, explaining why on hover.
 */
export function Gate(props: {
  permission: Permission;
  workspace?: string;
  project?: string;
  mode?: 'hide' | 'disable';
  children: ReactElement<{ disabled?: boolean; title?: string }>;
}): ReactNode {
  const { allowed, loading, reason } = usePermission(props.permission, {
    ...(props.workspace ? { workspace: props.workspace } : {}),
    ...(props.project ? { project: props.project } : {}),
  });
  if (allowed) return props.children;
  if (loading || (props.mode ?? 'hide') === 'hide') return null;
  return (
    <span className="gate-disabled" title={reason}>
      {cloneElement(props.children, { disabled: true, title: reason })}
    </span>
  );
}
