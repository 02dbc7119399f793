import { PERMISSIONS, type Permission, type Role } from '@slipway/contracts';
import { type FormEvent, useId, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { paths } from '../../app/paths.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { Gate } from '../../components/Gate.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Modal } from '../../components/Modal.tsx';
import { TextField } from '../../components/TextField.tsx';
import { usePermission, usePermissionCatalogue, useRoles } from '../../features/access/api/queries.ts';
import {
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
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'workspace' | 'project'>('project');
  const [chosen, setChosen] = useState<Set<Permission>>(new Set());
  const apiError = create.error instanceof ApiError ? create.error : undefined;
  const levels = scope === 'project' ? ['project'] : ['workspace', 'project'];
  const available = (catalogue.data?.items ?? []).filter((p) => levels.includes(p.level));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name, scope, permissions: [...chosen] }, { onSuccess: props.onDone });
  };
  return (
    <form className="form" onSubmit={submit} aria-label="create role">
      <ErrorNotice error={create.error} />
      <TextField
        label="Name"
        name="name"
        required
        value={name}
        error={apiError?.fieldError('body.name')}
        onChange={(e) => setName(e.target.value)}
      />
      <fieldset className="fieldset">
        <legend>Applies to</legend>
        {(['project', 'workspace'] as const).map((value) => (
          <label key={value} className="checkbox">
            <input type="radio" name="scope" checked={scope === value} onChange={() => setScope(value)} />
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
              checked={chosen.has(permission.name)}
              onChange={(event) => {
                const next = new Set(chosen);
                if (event.target.checked) next.add(permission.name);
                else next.delete(permission.name);
                setChosen(next);
              }}
            />
            <span>
              <code>{permission.name}</code> — {permission.description}
            </span>
          </label>
        ))}
        {apiError?.fieldError('body.permissions') ? (
          <p className="field-error">{apiError.fieldError('body.permissions')}</p>
        ) : null}
      </fieldset>
      <FormActions onCancel={props.onDone} pending={create.isPending} submitLabel="Create role" />
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
  const add = useAddMember(scope);
  const change = useChangeMemberRole(scope);
  const remove = useRemoveMember(scope);
  const [newUser, setNewUser] = useState('');
  const [newRole, setNewRole] = useState(project ? 'viewer' : 'workspace-viewer');
  const [creatingRole, setCreatingRole] = useState(false);
  const scopedRoles = (roles.data?.items ?? []).filter((role) => role.scope === level);
  const addError = add.error instanceof ApiError ? add.error : undefined;

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
        <form
          className="card add-member"
          aria-label="add member"
          onSubmit={(event) => {
            event.preventDefault();
            add.mutate({ user: newUser, role: newRole }, { onSuccess: () => setNewUser('') });
          }}
        >
          <ErrorNotice error={add.error} />
          <TextField
            label="Username"
            name="user"
            required
            value={newUser}
            error={addError?.fieldError('body.user')}
            onChange={(e) => setNewUser(e.target.value)}
          />
          <RoleSelect label="Role" roles={scopedRoles} value={newRole} onChange={setNewRole} />
          <button type="submit" className="button button-primary" disabled={add.isPending}>
            Add member
          </button>
        </form>
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
