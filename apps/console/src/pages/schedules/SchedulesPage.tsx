import type { Schedule } from '@slipway/contracts';
import { type ReactElement, useState } from 'react';
import { Link, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Gate } from '../../components/Gate.tsx';
import { Modal } from '../../components/Modal.tsx';
import { useConfirm } from '../../components/page/DetailPage.tsx';
import { type ListColumn, ListPage } from '../../components/page/ListPage.tsx';
import {
  useCreateSchedule,
  useDeleteSchedule,
  useSchedules,
  useUpdateSchedule,
} from '../../features/schedules/api.ts';
import { ScheduleForm } from '../../features/schedules/components/ScheduleForm.tsx';
import { formatFireTime, scheduleFormValues } from '../../features/schedules/schedule-form.ts';

/** A pipeline's schedules: when each fires next, what it runs, what its last tick did. */
export function SchedulesPage() {
  const params = useParams();
  const target = {
    workspace: params.workspace ?? '',
    project: params.project ?? '',
    pipeline: params.pipeline ?? '',
  };
  const { workspace, project } = target;
  const schedules = useSchedules(target);
  const create = useCreateSchedule(target);
  const update = useUpdateSchedule(target);
  const remove = useDeleteSchedule(target);
  // null: no form; 'new': creating; otherwise the schedule being edited.
  const [editing, setEditing] = useState<Schedule | 'new' | null>(null);
  const { confirm, dialog: confirmDialog } = useConfirm();
  const close = () => {
    setEditing(null);
    create.reset();
    update.reset();
  };
  const manage = (button: ReactElement<{ disabled?: boolean; title?: string }>) => (
    <Gate permission="pipeline.run" workspace={workspace} project={project} mode="disable">
      {button}
    </Gate>
  );

  const columns: ListColumn<Schedule>[] = [
    {
      header: 'Schedule',
      cell: (schedule) => (
        <>
          <code>{schedule.cron}</code> <span className="muted">{schedule.timezone}</span>{' '}
          {schedule.enabled ? null : <span className="badge">disabled</span>}
          <div className="muted small">as {schedule.runsAs}</div>
        </>
      ),
    },
    {
      header: 'Runs',
      cell: (schedule) => (
        <>
          {schedule.releaseType} → {schedule.environment}
          {schedule.ref ? <span className="muted"> on {schedule.ref}</span> : null}
        </>
      ),
    },
    {
      header: 'Next fire times',
      cell: (schedule) =>
        schedule.nextRuns.length > 0 ? (
          <ol className="fire-times small" aria-label={`next fire times of ${schedule.cron}`}>
            {schedule.nextRuns.map((at) => (
              <li key={at}>
                <time dateTime={at}>{formatFireTime(at, schedule.timezone)}</time>
              </li>
            ))}
          </ol>
        ) : (
          <span className="muted">{schedule.enabled ? 'never again' : 'disabled'}</span>
        ),
    },
    {
      header: 'Last tick',
      cell: (schedule) => (
        <>
          {schedule.lastRun ? (
            <Link to={paths.run({ ...target, number: schedule.lastRun.number })}>
              run #{schedule.lastRun.number}
            </Link>
          ) : null}
          {schedule.lastFiredAt ? (
            <div className="muted small">{new Date(schedule.lastFiredAt).toLocaleString()}</div>
          ) : (
            <span className="muted">not yet</span>
          )}
          {schedule.lastError ? (
            <div className="field-error" role="status">
              {schedule.lastError}
            </div>
          ) : null}
        </>
      ),
    },
    {
      header: <span className="visually-hidden">Actions</span>,
      cell: (schedule) => (
        <div className="row-actions">
          {manage(
            <button
              type="button"
              className="button"
              aria-pressed={schedule.enabled}
              disabled={update.isPending}
              onClick={() => {
                update.reset();
                update.mutate({ id: schedule.id, body: { enabled: !schedule.enabled } });
              }}
            >
              {schedule.enabled ? 'Disable' : 'Enable'}
            </button>,
          )}
          {manage(
            <button type="button" className="button" onClick={() => setEditing(schedule)}>
              Edit
            </button>,
          )}
          {manage(
            <button
              type="button"
              className="button button-danger-outline"
              onClick={() =>
                void confirm({
                  title: 'Delete schedule',
                  body: `Delete the schedule “${schedule.cron}” (${schedule.timezone})? The runs it started stay.`,
                  confirmLabel: 'Delete schedule',
                  danger: true,
                  action: () => remove.mutateAsync(schedule.id),
                })
              }
            >
              Delete
            </button>,
          )}
        </div>
      ),
    },
  ];

  const editingSchedule = editing !== 'new' && editing !== null ? editing : undefined;
  return (
    <ListPage
      title="Schedules"
      description="Cron schedules that run this pipeline, fired once per tick by the leading server. Runs start as whoever last saved the schedule."
      actions={
        <Gate permission="pipeline.run" workspace={workspace} project={project}>
          <button type="button" className="button button-primary" onClick={() => setEditing('new')}>
            Create schedule
          </button>
        </Gate>
      }
      filters={
        update.error && !editing ? (
          <ErrorNotice error={update.error} title="Cannot change the schedule" />
        ) : null
      }
      query={schedules}
      errorTitle="Cannot list schedules"
      items={schedules.data?.items}
      columns={columns}
      rowKey={(schedule) => schedule.id}
      empty={{
        title: 'No schedules yet.',
        body: 'Create one to run this pipeline nightly, hourly, or on any cron expression.',
      }}
    >
      <Modal
        title={editingSchedule ? 'Edit schedule' : 'Create schedule'}
        open={editing !== null}
        onClose={close}
      >
        {editing === null ? null : (
          <ScheduleForm
            key={editingSchedule?.id ?? 'new'}
            target={target}
            initial={scheduleFormValues(editingSchedule)}
            submitLabel={editingSchedule ? 'Save schedule' : 'Create schedule'}
            onCancel={close}
            submit={(body) =>
              editingSchedule
                ? update.mutateAsync({ id: editingSchedule.id, body: { ...body, ref: body.ref ?? null } })
                : create.mutateAsync(body)
            }
            onSuccess={close}
          />
        )}
      </Modal>
      {confirmDialog}
    </ListPage>
  );
}
