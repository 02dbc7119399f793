import type { Release } from '@slipway/contracts';
import { useState } from 'react';
import { FormActions } from '../../../components/FormActions.tsx';
import { Form } from '../../../components/form/Form.tsx';
import { TextAreaInput } from '../../../components/form/fields.tsx';
import { useForm } from '../../../components/form/use-form.ts';
import { Gate } from '../../../components/Gate.tsx';
import { Modal } from '../../../components/Modal.tsx';
import { useEnvironment } from '../../environments/api/queries.ts';
import { describeFreezeWindow } from '../../environments/freeze-window-form.ts';
import { formatTime } from '../../runs/format.ts';
import type { ReleaseRef } from '../api/keys.ts';
import { useBreakFreeze } from '../api/mutations.ts';

/** The reason form, mounted per opening so it starts empty. */
function BreakFreezeForm(props: { release: ReleaseRef; onClose: () => void }) {
  const breakFreeze = useBreakFreeze(props.release);
  const form = useForm({
    initial: { reason: '' },
    validate: (values) => ({
      reason:
        values.reason.trim().length >= 3
          ? undefined
          : 'Say why this release may not wait (3 characters or more).',
    }),
    submit: (values) => breakFreeze.mutateAsync(values.reason.trim()),
    onSuccess: props.onClose,
  });
  return (
    <Form form={form} label="break freeze">
      <p>
        This release deploys when its turn comes, freeze or not (a lock still holds it). Your name and the
        reason are kept on the release and in the audit log.
      </p>
      <TextAreaInput label="Reason" aria-required maxLength={1000} field={form.field('reason')} />
      <FormActions
        onCancel={props.onClose}
        pending={form.submitting}
        pendingLabel="Breaking…"
        submitLabel="Break freeze"
        danger
      />
    </Form>
  );
}

/**
 * "Break freeze" for a release waiting while its environment is frozen: platform admins and
 * holders of `workspace.environments.manage` let this one release through, with a reason.
 */
export function BreakFreezeButton({ workspace, release }: { workspace: string; release: Release }) {
  const environment = useEnvironment(workspace, release.environment);
  const [open, setOpen] = useState(false);
  const frozen = environment.data?.frozen;
  const waiting = release.status === 'queued' || release.status === 'awaiting-approval';
  if (!waiting || !frozen || release.freezeBreak) return null;
  return (
    <>
      <Gate permission="workspace.environments.manage" workspace={workspace}>
        <button
          type="button"
          className="button button-danger-outline"
          title={`Frozen: ${describeFreezeWindow(frozen.window)} until ${formatTime(frozen.until)}`}
          onClick={() => setOpen(true)}
        >
          Break freeze
        </button>
      </Gate>
      <Modal
        title={`Break the freeze for release #${release.number}`}
        open={open}
        onClose={() => setOpen(false)}
      >
        <BreakFreezeForm
          release={{ workspace, project: release.project, number: release.number }}
          onClose={() => setOpen(false)}
        />
      </Modal>
    </>
  );
}
