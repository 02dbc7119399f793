import type { ConfigData } from '@slipway/contracts';
import { useEffect, useMemo, useState } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { FormActions } from '../../../components/FormActions.tsx';
import { Form } from '../../../components/form/Form.tsx';
import { TextInput } from '../../../components/form/fields.tsx';
import { useForm } from '../../../components/form/use-form.ts';
import { useSaveConfigVersion } from '../api/mutations.ts';
import type { ConfigSetRef } from '../api/queries.ts';
import { type ConfigRow, diffEntries, entriesOf, hasChanges, rowsOf } from '../editor/config-entries.ts';
import { ConfigDiff } from './ConfigDiff.tsx';
import { ConfigEntriesEditor } from './ConfigEntriesEditor.tsx';

/**
 * The entries of the set in one environment, edited as key/value rows starting from the
 * current version. "Review changes" shows the key-by-key diff against the current version;
 * only from there is a version saved, with a message (`baseVersion`: a version saved by
 * someone else meanwhile is a 409, shown with the request id).
 */
export function ConfigVersionEditor(props: {
  target: ConfigSetRef;
  environment: string;
  /** The newest version (its number and entries), or null when the environment has none yet. */
  current: { version: number; data: ConfigData } | null;
  canEdit: boolean;
}) {
  const { target, environment, current, canEdit } = props;
  const save = useSaveConfigVersion(target, environment);
  // What the edit started from: the newest version when the tab opened, or the one saved here.
  const [base, setBase] = useState<{ version: number | null; data: ConfigData }>(() => ({
    version: current?.version ?? null,
    data: current?.data ?? {},
  }));
  const [rows, setRows] = useState<ConfigRow[]>(() => rowsOf(base.data));
  const [edited, setEdited] = useState(false);
  const [reviewing, setReviewing] = useState(false);
  const currentVersion = current?.version ?? null;

  // A newer version saved elsewhere replaces the rows unless they hold edits.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload on a newer version only
  useEffect(() => {
    if (current && current.version > (base.version ?? 0) && !edited) {
      setBase(current);
      setRows(rowsOf(current.data));
    }
  }, [currentVersion]);

  const { data, problems } = useMemo(() => entriesOf(rows), [rows]);
  const changes = useMemo(() => diffEntries(base.data, data), [base, data]);
  const changed = hasChanges(changes);

  const form = useForm({
    initial: { message: '' },
    submit: (values: { message: string }) =>
      save.mutateAsync({
        data,
        ...(values.message.trim() ? { message: values.message.trim() } : {}),
        ...(base.version !== null ? { baseVersion: base.version } : {}),
      }),
    onSuccess: (result) => {
      // The rows are the saved version now.
      setBase({ version: result.version, data });
      setReviewing(false);
      setEdited(false);
      form.reset({ message: '' });
    },
  });

  const onRows = (next: ConfigRow[]) => {
    setRows(next);
    setEdited(true);
  };
  const discard = () => {
    setRows(rowsOf(base.data));
    setEdited(false);
    setReviewing(false);
    save.reset();
  };

  if (reviewing) {
    return (
      <section aria-label={`Review changes in ${environment}`}>
        <h3>
          Changes against {base.version !== null ? `version ${base.version}` : 'nothing (first version)'}
        </h3>
        <ConfigDiff entries={changes} label={`Changes in ${environment}`} />
        <Form form={form} label="Save config version">
          <TextInput label="Message" field={form.field('message')} placeholder="What changed and why" />
          <FormActions
            submitLabel="Save version"
            pending={form.submitting}
            onCancel={() => setReviewing(false)}
            unchanged={!changed}
          />
        </Form>
      </section>
    );
  }

  return (
    <section aria-label={`Entries in ${environment}`}>
      <p className="muted">
        {base.version !== null
          ? `Editing from version ${base.version}.`
          : `No version in ${environment} yet: add keys and save the first one.`}
      </p>
      <ConfigEntriesEditor rows={rows} onChange={onRows} problems={problems} readOnly={!canEdit} />
      <ErrorNotice error={save.error} title="Cannot save" />
      {canEdit ? (
        <div className="form-actions">
          <button type="button" className="button" onClick={discard} disabled={!edited}>
            Discard changes
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={!changed || problems.size > 0}
            title={
              problems.size > 0
                ? 'Fix the keys marked above first'
                : changed
                  ? undefined
                  : 'Nothing changed yet'
            }
            onClick={() => setReviewing(true)}
          >
            Review changes
          </button>
        </div>
      ) : null}
    </section>
  );
}
