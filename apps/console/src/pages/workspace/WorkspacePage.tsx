import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Gate } from '../../components/Gate.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Modal } from '../../components/Modal.tsx';
import { useCreateProject } from '../../features/projects/api/mutations.ts';
import { useProjects } from '../../features/projects/api/queries.ts';
import { ProjectForm } from '../../features/projects/components/ProjectForm.tsx';
import { useDeleteWorkspace, useUpdateWorkspace } from '../../features/workspaces/api/mutations.ts';
import { useWorkspace } from '../../features/workspaces/api/queries.ts';
import { WorkspaceForm } from '../../features/workspaces/components/WorkspaceForm.tsx';

type Dialog = 'create-project' | 'edit' | 'delete' | null;

export function WorkspacePage() {
  const slug = useParams().workspace ?? '';
  const navigate = useNavigate();
  const workspace = useWorkspace(slug);
  const projects = useProjects(slug);
  const createProject = useCreateProject(slug);
  const update = useUpdateWorkspace(slug);
  const remove = useDeleteWorkspace(slug);
  const [dialog, setDialog] = useState<Dialog>(null);
  const close = () => {
    setDialog(null);
    createProject.reset();
    update.reset();
    remove.reset();
  };

  if (workspace.isPending) return <Loading />;
  if (workspace.error) return <ErrorNotice error={workspace.error} title="Cannot open workspace" />;
  const ws = workspace.data;
  const items = projects.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section aria-labelledby="workspace-title">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to={paths.workspaces()}>Workspaces</Link> / <span>{ws.name}</span>
      </nav>
      <div className="page-header">
        <div>
          <h1 id="workspace-title">{ws.name}</h1>
          <p className="muted">
            <code>{ws.slug}</code> {ws.description ? `· ${ws.description}` : null}
          </p>
        </div>
        <div className="actions">
          <Link className="button" to={paths.environments(slug)}>
            Environments
          </Link>
          <Link className="button" to={paths.workspaceMembers(slug)}>
            Members
          </Link>
          <Gate permission="workspace.update" workspace={slug} mode="disable">
            <button type="button" className="button" onClick={() => setDialog('edit')}>
              Edit
            </button>
          </Gate>
          <Gate permission="workspace.delete" workspace={slug} mode="disable">
            <button
              type="button"
              className="button button-danger-outline"
              onClick={() => setDialog('delete')}
            >
              Delete
            </button>
          </Gate>
          <Gate permission="project.create" workspace={slug}>
            <button
              type="button"
              className="button button-primary"
              onClick={() => setDialog('create-project')}
            >
              Create project
            </button>
          </Gate>
        </div>
      </div>

      <h2>Projects</h2>
      {projects.isPending ? <Loading /> : null}
      <ErrorNotice error={projects.error} title="Cannot list projects" />
      {projects.isSuccess && items.length === 0 ? (
        <div className="empty">
          <p>No projects in this workspace yet.</p>
        </div>
      ) : null}
      {items.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label="Projects">
            <thead>
              <tr>
                <th>Name</th>
                <th>Slug</th>
                <th>Repository</th>
                <th>Default branch</th>
              </tr>
            </thead>
            <tbody>
              {items.map((project) => (
                <tr key={project.slug}>
                  <td>
                    <Link to={paths.project(slug, project.slug)}>{project.name}</Link>
                  </td>
                  <td>
                    <code>{project.slug}</code>
                  </td>
                  <td className="muted">{project.repoUrl ?? '—'}</td>
                  <td>{project.defaultBranch}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {projects.hasNextPage ? (
        <button type="button" className="button" onClick={() => projects.fetchNextPage()}>
          Load more
        </button>
      ) : null}

      <Modal title="Create project" open={dialog === 'create-project'} onClose={close}>
        <ProjectForm
          mode="create"
          onCancel={close}
          submit={(values) =>
            createProject.mutateAsync({
              slug: values.slug,
              name: values.name,
              ...(values.description ? { description: values.description } : {}),
              ...(values.repoUrl ? { repoUrl: values.repoUrl } : {}),
              ...(values.defaultBranch ? { defaultBranch: values.defaultBranch } : {}),
              ...(values.starterPipeline ? { starterPipeline: 'auto' as const } : {}),
              ...(values.gitCredential ? { gitCredential: values.gitCredential } : {}),
            })
          }
          // After an import, the project page says what was detected and created.
          onSuccess={(created) =>
            created.starter
              ? navigate(paths.project(slug, created.slug), { state: { starter: created.starter } })
              : close()
          }
        />
      </Modal>
      <Modal title="Edit workspace" open={dialog === 'edit'} onClose={close}>
        <WorkspaceForm
          mode="edit"
          initial={{ slug: ws.slug, name: ws.name, description: ws.description ?? '' }}
          onCancel={close}
          submit={(values) =>
            update.mutateAsync({ name: values.name, description: values.description || null })
          }
          onSuccess={close}
        />
      </Modal>
      <ConfirmDialog
        title="Delete workspace"
        message={`Delete workspace “${ws.name}”? Only an empty workspace can be deleted.`}
        confirmLabel="Delete workspace"
        open={dialog === 'delete'}
        pending={remove.isPending}
        error={remove.error}
        onClose={close}
        onConfirm={() =>
          remove.mutate(undefined, { onSuccess: () => navigate(paths.workspaces(), { replace: true }) })
        }
      />
    </section>
  );
}
