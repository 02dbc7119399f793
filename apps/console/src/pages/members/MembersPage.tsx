import { PERMISSIONS, type Permission, type Role } from '@slipway/contracts';
import { useId, useState } from 'react';
import { Link, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { FormError } from '../../components/form/FormError.tsx';
import { TextInput } from '../../components/form/fields.tsx';
import { useForm } from '../../components/form/use-form.ts';
import { Gate } from '../../components/Gate.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Modal } from '../../components/Modal.tsx';
import { usePermission, usePermissionCatalogue, useRoles } from '../../features/access/api/queries.ts';
import {
  type MemberScope,
  useAddMember,
  useChangeMemberRole,
  useCreateRole,
  useMembers,
  useRemoveMember,
} from '../../features/members/api/members.ts';

function RoleSelect(props: {
  roles: Role[];
  value: string;
  label: string;
  disabled?: boolean;
  onChange: (role: string) => void;
}) {
  const id = useId();
  return (
    <span className="inline-field">
      <label htmlFor={id} className="visually-hidden">
        {props.label}
      </label>
      <select
        id={id}
        value={props.value}
        disabled={props.disabled}
        onChange={(event) => props.onChange(event.target.value)}
      >
        {props.roles.map((role) => (
          <option key={role.name} value={role.name} title={role.description}>
            {role.name}
          </option>
        ))}
      </select>
    </span>
  );
}

/** The role editor: every documented permission of the chosen scope, as checkboxes. */
function CreateRoleForm(props: { workspace: string; onDone: () => void }) {
  const catalogue = usePermissionCatalogue();
  const create = useCreateRole(props.workspace);
  const form = useForm({
    initial: { name: '', scope: 'project' as 'workspace' | 'project', permissions: [] as Permission[] },
    submit: create.mutateAsync,
    onSuccess: props.onDone,
  });
  const { scope, permissions } = form.values;
  const levels = scope === 'project' ? ['project'] : ['workspace', 'project'];
  const available = (catalogue.data?.items ?? []).filter((p) => levels.includes(p.level));
  const permissionsError = form.error('permissions');
  return (
    <form className="form" onSubmit={form.onSubmit} aria-label="create role">
      <FormError form={form} />
      <TextInput label="Name" required field={form.field('name')} />
      <fieldset className="fieldset">
        <legend>Applies to</legend>
        {(['project', 'workspace'] as const).map((value) => (
          <label key={value} className="checkbox">
            <input
              type="radio"
              name="scope"
              checked={scope === value}
              onChange={() => form.set('scope', value)}
            />
            {value === 'project' ? 'One project at a time' : 'A whole workspace'}
          </label>
        ))}
      </fieldset>
      <fieldset className="fieldset permission-list">
        <legend>Permissions</legend>
        {available.map((permission) => (
          <label key={permission.name} className="checkbox">
            <input
              type="checkbox"
              checked={permissions.includes(permission.name)}
              onChange={(event) =>
                form.set(
                  'permissions',
                  event.target.checked
                    ? [...permissions, permission.name]
                    : permissions.filter((name) => name !== permission.name),
                )
              }
            />
            <span>
              <code>{permission.name}</code> — {permission.description}
            </span>
          </label>
        ))}
        {permissionsError ? <p className="field-error">{permissionsError}</p> : null}
      </fieldset>
      <FormActions onCancel={props.onDone} pending={form.submitting} submitLabel="Create role" />
    </form>
  );
}

/** Gives a user a role here; the username empties after each addition, the role stays. */
function AddMemberForm(props: { scope: MemberScope; roles: Role[]; initialRole: string }) {
  const add = useAddMember(props.scope);
  const form = useForm<{ user: string; role: string }, unknown>({
    initial: { user: '', role: props.initialRole },
    submit: add.mutateAsync,
    onSuccess: (_, values) => form.reset({ ...values, user: '' }),
  });
  return (
    <form className="card add-member" aria-label="add member" onSubmit={form.onSubmit}>
      <FormError form={form} />
      <TextInput label="Username" required field={form.field('user')} />
      <RoleSelect
        label="Role"
        roles={props.roles}
        value={form.values.role}
        onChange={(role) => form.set('role', role)}
      />
      <button type="submit" className="button button-primary" disabled={form.submitting}>
        Add member
      </button>
    </form>
  );
}

export function MembersPage() {
  const params = useParams();
  const workspace = params.workspace ?? '';
  const project = params.project;
  const scope = { workspace, project };
  const level = project ? 'project' : 'workspace';
  const manage = usePermission(project ? 'project.members.manage' : 'workspace.members.manage', scope);
  const members = useMembers(scope);
  const roles = useRoles(workspace);
  const change = useChangeMemberRole(scope);
  const remove = useRemoveMember(scope);
  const [creatingRole, setCreatingRole] = useState(false);
  const scopedRoles = (roles.data?.items ?? []).filter((role) => role.scope === level);

  return (
    <section aria-labelledby="members-title">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to={paths.workspaces()}>Workspaces</Link> /{' '}
        <Link to={paths.workspace(workspace)}>{workspace}</Link> /{' '}
        {project ? (
          <>
            <Link to={paths.project(workspace, project)}>{project}</Link> /{' '}
          </>
        ) : null}
        <span>Members</span>
      </nav>
      <h1 id="members-title">Members of {project ?? workspace}</h1>
      <p className="muted">
        {project
          ? 'Project roles add to what each person’s workspace role already gives them.'
          : 'Workspace roles apply to the workspace and to every project in it.'}
      </p>
      {members.isPending ? <Loading /> : null}
      <ErrorNotice error={members.error ?? change.error ?? remove.error} />
      <div className="table-scroll">
        <table className="table" aria-label="Members">
          <thead>
            <tr>
              <th>User</th>
              <th>Role</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(members.data?.items ?? []).map((member) => (
              <tr key={member.user}>
                <td>
                  <strong>{member.user}</strong>{' '}
                  {member.displayName ? <span className="muted">{member.displayName}</span> : null}
                </td>
                <td title={manage.reason}>
                  <RoleSelect
                    label={`Role of ${member.user}`}
                    roles={scopedRoles}
                    value={member.role}
                    disabled={!manage.allowed}
                    onChange={(role) => change.mutate({ user: member.user, role })}
                  />
                </td>
                <td className="row-actions">
                  <button
                    type="button"
                    className="button button-danger-outline"
                    disabled={!manage.allowed}
                    title={manage.reason}
                    onClick={() => remove.mutate(member.user)}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {manage.allowed ? (
        <AddMemberForm
          scope={scope}
          roles={scopedRoles}
          initialRole={project ? 'viewer' : 'workspace-viewer'}
        />
      ) : null}
      {project ? null : (
        <>
          <h2>Roles</h2>
          <div className="table-scroll">
            <table className="table" aria-label="Roles">
              <thead>
                <tr>
                  <th>Role</th>
                  <th>Applies to</th>
                  <th>Permissions</th>
                </tr>
              </thead>
              <tbody>
                {(roles.data?.items ?? []).map((role) => (
                  <tr key={role.name}>
                    <td>
                      <strong>{role.name}</strong>{' '}
                      {role.builtIn ? <span className="badge">built-in</span> : null}
                      <div className="muted small">{role.description}</div>
                    </td>
                    <td>{role.scope}</td>
                    <td className="small">
                      <div className="code-list">
                        {role.permissions.map((p) => (
                          <code key={p} title={PERMISSIONS[p].description}>
                            {p}
                          </code>
                        ))}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Gate permission="workspace.members.manage" workspace={workspace}>
            <button type="button" className="button" onClick={() => setCreatingRole(true)}>
              Create custom role
            </button>
          </Gate>
          <Modal title="Create custom role" open={creatingRole} onClose={() => setCreatingRole(false)}>
            <CreateRoleForm workspace={workspace} onDone={() => setCreatingRole(false)} />
          </Modal>
        </>
      )}
    </section>
  );
}
