import { type MemberSchema, PERMISSIONS, type Permission, type Role } from '@slipway/contracts';
import { useId, useState } from 'react';
import { useParams } from 'react-router';
import type { z } from 'zod';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { Form } from '../../components/form/Form.tsx';
import { TextInput } from '../../components/form/fields.tsx';
import { useForm } from '../../components/form/use-form.ts';
import { Gate } from '../../components/Gate.tsx';
import { Modal } from '../../components/Modal.tsx';
import { type ListColumn, ListPage, ListSection } from '../../components/page/ListPage.tsx';
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
    <Form form={form} label="create role">
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
    </Form>
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
    <Form form={form} label="add member" className="card add-member">
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
    </Form>
  );
}

type Member = z.infer<typeof MemberSchema>;

/** The roles a workspace can give: built-in and custom, with their permissions. */
function RolesSection(props: { workspace: string; roles: ReturnType<typeof useRoles> }) {
  const [creating, setCreating] = useState(false);
  const columns: ListColumn<Role>[] = [
    {
      header: 'Role',
      cell: (role) => (
        <>
          <strong>{role.name}</strong> {role.builtIn ? <span className="badge">built-in</span> : null}
          <div className="muted small">{role.description}</div>
        </>
      ),
    },
    { header: 'Applies to', cell: (role) => role.scope },
    {
      header: 'Permissions',
      className: 'small',
      cell: (role) => (
        <div className="code-list">
          {role.permissions.map((p) => (
            <code key={p} title={PERMISSIONS[p].description}>
              {p}
            </code>
          ))}
        </div>
      ),
    },
  ];
  return (
    <>
      <h2>Roles</h2>
      <ListSection
        label="Roles"
        query={props.roles}
        errorTitle="Cannot list roles"
        items={props.roles.data?.items}
        columns={columns}
        rowKey={(role) => role.name}
        empty={{ title: 'No roles.' }}
      />
      <Gate permission="workspace.members.manage" workspace={props.workspace}>
        <button type="button" className="button" onClick={() => setCreating(true)}>
          Create custom role
        </button>
      </Gate>
      <Modal title="Create custom role" open={creating} onClose={() => setCreating(false)}>
        <CreateRoleForm workspace={props.workspace} onDone={() => setCreating(false)} />
      </Modal>
    </>
  );
}

/** Who may do what in a workspace or a project: members with their roles, and the roles. */
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
  const scopedRoles = (roles.data?.items ?? []).filter((role) => role.scope === level);

  const columns: ListColumn<Member>[] = [
    {
      header: 'User',
      cell: (member) => (
        <>
          <strong>{member.user}</strong>{' '}
          {member.displayName ? <span className="muted">{member.displayName}</span> : null}
        </>
      ),
    },
    {
      header: 'Role',
      cell: (member) => (
        <span title={manage.reason}>
          <RoleSelect
            label={`Role of ${member.user}`}
            roles={scopedRoles}
            value={member.role}
            disabled={!manage.allowed}
            onChange={(role) => change.mutate({ user: member.user, role })}
          />
        </span>
      ),
    },
    {
      header: <span className="visually-hidden">Actions</span>,
      className: 'row-actions',
      cell: (member) => (
        <button
          type="button"
          className="button button-danger-outline"
          disabled={!manage.allowed}
          title={manage.reason}
          onClick={() => remove.mutate(member.user)}
        >
          Remove
        </button>
      ),
    },
  ];

  return (
    <ListPage
      title={`Members of ${project ?? workspace}`}
      description={
        <>
          <p>
            {project
              ? 'Project roles add to what each person’s workspace role already gives them.'
              : 'Workspace roles apply to the workspace and to every project in it.'}
          </p>
          <ErrorNotice error={change.error ?? remove.error} />
        </>
      }
      query={members}
      errorTitle="Cannot list members"
      items={members.data?.items}
      columns={columns}
      rowKey={(member) => member.user}
      label="Members"
      empty={{
        title: project ? 'No members of this project yet.' : 'No members yet.',
        ...(project ? { body: 'Members of the workspace still have their workspace roles here.' } : {}),
      }}
    >
      {manage.allowed ? (
        <AddMemberForm
          scope={scope}
          roles={scopedRoles}
          initialRole={project ? 'viewer' : 'workspace-viewer'}
        />
      ) : null}
      {project ? null : <RolesSection workspace={workspace} roles={roles} />}
    </ListPage>
  );
}
