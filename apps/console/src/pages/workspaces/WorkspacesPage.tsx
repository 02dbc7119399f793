import type { Workspace } from '@slipway/contracts';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { paths } from '../../app/paths.ts';
import { Gate } from '../../components/Gate.tsx';
import { Modal } from '../../components/Modal.tsx';
import { type ListColumn, ListPage } from '../../components/page/ListPage.tsx';
import { useCreateWorkspace } from '../../features/workspaces/api/mutations.ts';
import { useWorkspaces } from '../../features/workspaces/api/queries.ts';
import { WorkspaceForm } from '../../features/workspaces/components/WorkspaceForm.tsx';

const columns: ListColumn<Workspace>[] = [
  { header: 'Name', cell: (workspace) => <Link to={paths.workspace(workspace.slug)}>{workspace.name}</Link> },
  { header: 'Slug', cell: (workspace) => <code>{workspace.slug}</code> },
  { header: 'Projects', cell: (workspace) => workspace.projectCount },
  { header: 'Description', className: 'muted', cell: (workspace) => workspace.description },
];

export function WorkspacesPage() {
  const workspaces = useWorkspaces();
  const create = useCreateWorkspace();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);

  const closeCreate = () => {
    setCreating(false);
    create.reset();
  };

  return (
    <ListPage
      title="Workspaces"
      description="A workspace holds a team’s projects, environments and members."
      actions={
        <Gate permission="platform.workspaces.create">
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            Create workspace
          </button>
        </Gate>
      }
      query={workspaces}
      errorTitle="Cannot list workspaces"
      items={workspaces.data?.pages.flatMap((page) => page.items)}
      columns={columns}
      rowKey={(workspace) => workspace.slug}
      paging={workspaces}
      empty={{
        title: 'No workspaces yet, or none you are a member of.',
        action: (
          <Gate permission="platform.workspaces.create">
            <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
              Create the first workspace
            </button>
          </Gate>
        ),
      }}
    >
      <Modal title="Create workspace" open={creating} onClose={closeCreate}>
        <WorkspaceForm
          mode="create"
          onCancel={closeCreate}
          submit={(values) =>
            create.mutateAsync({
              slug: values.slug,
              name: values.name,
              ...(values.description ? { description: values.description } : {}),
            })
          }
          onSuccess={(workspace) => {
            closeCreate();
            navigate(paths.workspace(workspace.slug));
          }}
        />
      </Modal>
    </ListPage>
  );
}
