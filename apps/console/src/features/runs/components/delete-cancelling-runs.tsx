import type { ConfirmOptions } from '../../../components/page/use-confirm.tsx';
import { ActiveRunsRefusal } from './ActiveRunsRefusal.tsx';

/**
 * The `action` and `extra` of a `useConfirm` delete the API may refuse because runs are active
 * (409 with the runs in `details`): confirming calls `remove(false)`; on that refusal the
 * dialog lists the runs and offers to retry with `remove(true)` (cancel them, then delete),
 * unless `canCancel` is false (something else stops the delete too).
 */
export function deleteCancellingRuns(
  remove: (cancelRuns: boolean) => Promise<unknown>,
  canCancel?: boolean,
): Pick<ConfirmOptions, 'action' | 'extra'> {
  return {
    action: () => remove(false),
    extra: ({ error, pending, run }) => (
      <ActiveRunsRefusal
        error={error}
        pending={pending}
        {...(canCancel === undefined ? {} : { canCancel })}
        onCancelRuns={() => run(() => remove(true))}
      />
    ),
  };
}
