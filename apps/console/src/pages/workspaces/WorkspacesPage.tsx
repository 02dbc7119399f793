import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { paths } from '../../app/paths.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Gate } from '../../components/Gate.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Modal } from '../../components/Modal.tsx';
import { useCreateWorkspace } from '../../features/workspaces/api/mutations.ts';
import { useWorkspaces } from '../../features/workspaces/api/queries.ts';
import { WorkspaceForm } from '../../features/workspaces/components/WorkspaceForm.tsx';

export function WorkspacesPage() {
  const workspaces = useWorkspaces();
  const create = useCreateWorkspace();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const items = workspaces.data?.pages.flatMap((page) => page.items) ?? [];

  const closeCreate = () => {
    setCreating(false);
    create.reset();
  };

  return (
    <section aria-labelledby="workspaces-title">
      <div className="page-header">
        <div>
          <h1 id="workspaces-title">Workspaces</h1>
          <p className="muted">A workspace holds a team’s projects, environments and members.</p>
        </div>
        <Gate permission="platform.workspaces.create">
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            Create workspace
          </button>
        </Gate>
      </div>
      {workspaces.isPending ? <Loading /> : null}
      <ErrorNotice error={workspaces.error} title="Cannot list workspaces" />
      {workspaces.isSuccess && items.length === 0 ? (
        <div className="empty">
          <p>No workspaces yet, or none you are a member of.</p>
          <Gate permission="platform.workspaces.create">
            <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
              Create the first workspace
            </button>
          </Gate>
        </div>
      ) : null}
      {items.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label="Workspaces">
            <thead>
              <tr>
                <th>Name</th>
                <th>Slug</th>
                <th>Projects</th>
                <th>Description</th>
              </tr>
            </thead>
            <tbody>
              {items.map((workspace) => (
                <tr key={workspace.slug}>
                  <td>
                    <Link to={paths.workspace(workspace.slug)}>{workspace.name}</Link>
                  </td>
                  <td>
                    <code>{workspace.slug}</code>
                  </td>
                  <td>{workspace.projectCount}</td>
                  <td className="muted">{workspace.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {workspaces.hasNextPage ? (
        <button
          type="button"
          className="button"
          disabled={workspaces.isFetchingNextPage}
          onClick={() => workspaces.fetchNextPage()}
        >
          {workspaces.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
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
    </section>
  );
}
