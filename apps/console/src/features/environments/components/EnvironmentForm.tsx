import type { Environment, FreezeWindow } from '@slipway/contracts';
import { Form, SaveActions } from '../../../components/form/Form.tsx';
import { CheckboxInput, NumberInput, SelectInput, TextInput } from '../../../components/form/fields.tsx';
import { useForm } from '../../../components/form/use-form.ts';
import { useRoles } from '../../access/api/queries.ts';
import { FreezeWindowsEditor } from './FreezeWindowsEditor.tsx';

export type EnvironmentFormValues = {
  name: string;
  cluster: string;
  namespace: string;
  order: number;
  production: boolean;
  requiredApprovals: number;
  approverRole: string;
  allowSelfApproval: boolean;
  /** A pending request, and each approval, lapses after this many minutes. */
  expiryMinutes: number;
  /** A release whose rollout fails is rolled back at once to the last successful one. */
  autoRollback: boolean;
  freezeWindows: FreezeWindow[];
  /** Releases per project, besides the live one, whose ConfigMaps are kept (0–1000). */
  retainReleases: number;
};

/** How many releases keep their ConfigMaps when the form does not say (the API's default). */
export const DEFAULT_RETAIN_RELEASES = 10;
/** How long an approval request waits, and an approval counts, when the form does not say (24 h, the API's default). */
export const DEFAULT_EXPIRY_MINUTES = 1440;

export function initialEnvironmentValues(environment?: Environment): EnvironmentFormValues {
  return environment
    ? {
        name: environment.name,
        cluster: environment.cluster ?? '',
        namespace: environment.namespace ?? '',
        order: environment.order,
        production: environment.production,
        ...environment.approvalPolicy,
        freezeWindows: environment.freezeWindows,
        retainReleases: environment.retainReleases,
      }
    : {
        name: '',
        cluster: '',
        namespace: '',
        order: 0,
        production: false,
        requiredApprovals: 0,
        approverRole: 'operator',
        allowSelfApproval: true,
        expiryMinutes: DEFAULT_EXPIRY_MINUTES,
        autoRollback: false,
        freezeWindows: [],
        retainReleases: DEFAULT_RETAIN_RELEASES,
      };
}

/** The approval policy as the API takes it (nested in both the create and the update body). */
export function approvalPolicyOf(values: EnvironmentFormValues) {
  return {
    requiredApprovals: values.requiredApprovals,
    approverRole: values.approverRole,
    allowSelfApproval: values.allowSelfApproval,
    expiryMinutes: values.expiryMinutes,
    autoRollback: values.autoRollback,
  };
}

/** Where the API reports the approval policy's values (they are nested in the request body). */
const POLICY_PATHS = {
  requiredApprovals: 'approvalPolicy.requiredApprovals',
  approverRole: 'approvalPolicy.approverRole',
  allowSelfApproval: 'approvalPolicy.allowSelfApproval',
  expiryMinutes: 'approvalPolicy.expiryMinutes',
  autoRollback: 'approvalPolicy.autoRollback',
} as const;

/** The approver role choices: the workspace's built-in and custom roles, plus the current one if it is gone. */
function roleOptions(roles: readonly { name: string; builtIn: boolean }[] | undefined, current: string) {
  const options = (roles ?? []).map((role) => ({
    value: role.name,
    label: role.builtIn ? role.name : `${role.name} (custom)`,
  }));
  if (current && !options.some((option) => option.value === current)) {
    options.push({ value: current, label: `${current} (not a role of this workspace)` });
  }
  return options;
}

/**
 * What {@link EnvironmentForm}'s `clusters` gets from the clusters query of a page: the
 * names for an admin once listed, `'loading'` until then, undefined for everyone else and
 * when the list failed (then the cluster is typed by name).
 */
export function clusterChoices(
  isAdmin: boolean,
  clusters: { data?: { items: readonly { name: string }[] }; isError: boolean },
): string[] | 'loading' | undefined {
  if (!isAdmin || clusters.isError) return undefined;
  return clusters.data ? clusters.data.items.map((cluster) => cluster.name) : 'loading';
}

/**
 * Environment placement and approval policy. `clusters` is the list an admin sees; for
 * others it is unknown and the cluster is typed by name.
 */
export function EnvironmentForm<R>(props: {
  mode: 'create' | 'edit';
  /** The workspace whose roles the approver role is chosen from. */
  workspace: string;
  initial: EnvironmentFormValues;
  /**
   * The cluster names an admin picks from; `'loading'` while they load (a disabled select
   * then, so the control does not change kind when they arrive); undefined when the caller
   * cannot list clusters (the cluster is typed by name). See {@link clusterChoices}.
   */
  clusters: string[] | 'loading' | undefined;
  /** Sends the values (a mutation's `mutateAsync`); its rejection shows in the form. */
  submit: (values: EnvironmentFormValues) => Promise<R>;
  onSuccess: (result: R) => void;
  onCancel: () => void;
}) {
  const form = useForm({
    initial: props.initial,
    submit: props.submit,
    onSuccess: props.onSuccess,
    paths: POLICY_PATHS,
  });
  const roles = useRoles(props.workspace);
  return (
    <Form form={form} label={`${props.mode} environment`}>
      {props.mode === 'create' ? (
        <TextInput
          label="Name"
          required
          autoFocus
          hint="dev, test, staging, prod…"
          field={form.field('name')}
        />
      ) : null}
      {props.clusters ? (
        <SelectInput
          label="Cluster"
          placeholder="None — run on the local executor"
          {...(props.clusters === 'loading' ? { disabled: true, hint: 'Loading the clusters…' } : {})}
          options={(props.clusters === 'loading'
            ? [form.values.cluster].filter(Boolean)
            : props.clusters
          ).map((name) => ({ value: name, label: name }))}
          field={form.field('cluster')}
        />
      ) : (
        <TextInput
          label="Cluster"
          hint="Name of a registered cluster; empty for the local executor."
          field={form.field('cluster')}
        />
      )}
      {form.values.cluster ? (
        <TextInput
          label="Namespace"
          hint="Empty for <workspace>-<environment>. Created if missing."
          field={form.field('namespace')}
        />
      ) : null}
      <NumberInput label="Order in the promotion path" min={0} field={form.field('order')} />
      <CheckboxInput
        label="Production"
        field={{
          ...form.field('production'),
          // Production gets the safe policy unless the user changes it afterwards.
          onChange: (production) =>
            form.update(
              production && props.mode === 'create'
                ? { production, requiredApprovals: 1, allowSelfApproval: false }
                : { production },
            ),
        }}
      />
      <NumberInput
        label="Releases whose ConfigMaps are kept"
        min={0}
        hint="Per project, besides the live release (0–1000). ConfigMaps of older releases are garbage-collected from the cluster."
        field={form.field('retainReleases')}
      />
      <fieldset className="fieldset">
        <legend>Approval policy</legend>
        <NumberInput label="Required approvals" min={0} max={10} field={form.field('requiredApprovals')} />
        {roles.isError ? (
          // The roles could not be listed (no right to, or the request failed): typed by name.
          <TextInput label="Approver role" field={form.field('approverRole')} />
        ) : (
          // A select from the start, disabled while the roles load, so the control does not
          // change kind under the user's hand (or a test's) when they arrive.
          <SelectInput
            label="Approver role"
            hint={
              roles.data
                ? 'Built-in or custom role of this workspace whose holders approve deploys here.'
                : 'Loading the roles of this workspace…'
            }
            disabled={!roles.data}
            options={
              roles.data
                ? roleOptions(roles.data.items, form.values.approverRole)
                : [{ value: form.values.approverRole, label: form.values.approverRole }]
            }
            field={form.field('approverRole')}
          />
        )}
        <CheckboxInput
          label="Whoever started or committed a deploy may approve it"
          field={form.field('allowSelfApproval')}
        />
        <NumberInput
          label="Approvals expire after (minutes)"
          min={1}
          max={525600}
          hint="A pending request, and each approval given, lapses after this long (1440 = 24 h)."
          field={form.field('expiryMinutes')}
        />
        <CheckboxInput
          label="Roll back automatically when a rollout fails"
          field={form.field('autoRollback')}
        />
      </fieldset>
      <FreezeWindowsEditor
        value={form.values.freezeWindows}
        onChange={(windows) => form.set('freezeWindows', windows)}
        error={(path) => form.error(path ? `freezeWindows${path}` : 'freezeWindows')}
      />
      <SaveActions form={form} mode={props.mode} noun="environment" onCancel={props.onCancel} />
    </Form>
  );
}
