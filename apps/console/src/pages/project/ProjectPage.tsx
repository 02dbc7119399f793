import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Gate } from '../../components/Gate.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Modal } from '../../components/Modal.tsx';
import { useDeleteProject, useUpdateProject } from '../../features/projects/api/mutations.ts';
import { useProject } from '../../features/projects/api/queries.ts';
import { ProjectForm } from '../../features/projects/components/ProjectForm.tsx';
import { StarterNotice, starterFromState } from '../../features/projects/components/StarterNotice.tsx';
import { ActiveRunsRefusal } from '../../features/runs/components/ActiveRunsRefusal.tsx';
import { ProjectPipelines } from './ProjectPipelines.tsx';

export function ProjectPage() {
  const params = useParams();
  const workspace = params.workspace ?? '';
  const slug = params.project ?? '';
  const navigate = useNavigate();
  const location = useLocation();
  const starter = starterFromState(location.state);
  const project = useProject(workspace, slug);
  const update = useUpdateProject(workspace, slug);
  const remove = useDeleteProject(workspace, slug);
  const [dialog, setDialog] = useState<'edit' | 'delete' | null>(null);
  const close = () => {
    setDialog(null);
    update.reset();
    remove.reset();
  };

  const deleteProject = (cancelRuns: boolean) =>
    remove.mutate(
      { cancelRuns },
      { onSuccess: () => navigate(paths.workspace(workspace), { replace: true }) },
    );

  if (project.isPending) return <Loading />;
  if (project.error) return <ErrorNotice error={project.error} title="Cannot open project" />;
  const p = project.data;

  return (
    <section aria-labelledby="project-title">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to={paths.workspaces()}>Workspaces</Link> /{' '}
        <Link to={paths.workspace(workspace)}>{workspace}</Link> / <span>{p.name}</span>
      </nav>
      <div className="page-header">
        <div>
          <h1 id="project-title">{p.name}</h1>
          <p className="muted">{p.description}</p>
        </div>
        <div className="actions">
          <Link className="button" to={paths.projectMembers(workspace, slug)}>
            Members
          </Link>
          <Link className="button" to={paths.webhooks(workspace, slug)}>
            Webhooks
          </Link>
          <Gate permission="project.update" workspace={workspace} project={slug} mode="disable">
            <button type="button" className="button" onClick={() => setDialog('edit')}>
              Edit
            </button>
          </Gate>
          <Gate permission="project.delete" workspace={workspace} project={slug} mode="disable">
            <button
              type="button"
              className="button button-danger-outline"
              onClick={() => setDialog('delete')}
            >
              Delete
            </button>
          </Gate>
        </div>
      </div>
      {starter ? (
        <StarterNotice
          workspace={workspace}
          project={slug}
          starter={starter}
          onDismiss={() => navigate('.', { replace: true, state: null })}
        />
      ) : null}
      <dl className="properties">
        <dt>Slug</dt>
        <dd>
          <code>{p.slug}</code>
        </dd>
        <dt>Repository</dt>
        <dd>{p.repoUrl ?? <span className="muted">not set</span>}</dd>
        <dt>Default branch</dt>
        <dd>{p.defaultBranch}</dd>
        <dt>Created</dt>
        <dd>{new Date(p.createdAt).toLocaleString()}</dd>
        <dt>Updated</dt>
        <dd>{new Date(p.updatedAt).toLocaleString()}</dd>
      </dl>
      <ProjectPipelines workspace={workspace} project={slug} />
      <Modal title="Edit project" open={dialog === 'edit'} onClose={close}>
        <ProjectForm
          mode="edit"
          initial={{
            slug: p.slug,
            name: p.name,
            description: p.description ?? '',
            repoUrl: p.repoUrl ?? '',
            defaultBranch: p.defaultBranch,
            starterPipeline: false,
            gitCredential: p.gitCredential ?? '',
          }}
          onCancel={close}
          submit={(values) =>
            update.mutateAsync({
              name: values.name,
              description: values.description || null,
              repoUrl: values.repoUrl || null,
              gitCredential: values.gitCredential || null,
              ...(values.defaultBranch ? { defaultBranch: values.defaultBranch } : {}),
            })
          }
          onSuccess={close}
        />
      </Modal>
      <ConfirmDialog
        title="Delete project"
        message={`Delete project “${p.name}”? This cannot be undone.`}
        confirmLabel="Delete project"
        open={dialog === 'delete'}
        pending={remove.isPending}
        error={remove.error}
        onClose={close}
        onConfirm={() => deleteProject(false)}
      >
        <ActiveRunsRefusal
          error={remove.error}
          pending={remove.isPending}
          onCancelRuns={() => deleteProject(true)}
        />
      </ConfirmDialog>
    </section>
  );
}
