import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { Gate } from '../../components/Gate.tsx';
import { Modal } from '../../components/Modal.tsx';
import { DetailPage, useConfirm } from '../../components/page/DetailPage.tsx';
import { ProjectCaches } from '../../features/caches/components/ProjectCaches.tsx';
import { useDeleteProject, useUpdateProject } from '../../features/projects/api/mutations.ts';
import { useProject } from '../../features/projects/api/queries.ts';
import { ProjectForm } from '../../features/projects/components/ProjectForm.tsx';
import { StarterNotice, starterFromState } from '../../features/projects/components/StarterNotice.tsx';
import { deleteCancellingRuns } from '../../features/runs/components/delete-cancelling-runs.tsx';
import { ProjectPipelines } from './ProjectPipelines.tsx';

/**
 * The project's own pages, linked from its header: one entry per page (append new ones here).
 */
function projectLinks(workspace: string, project: string): { label: string; to: string }[] {
  return [
    { label: 'Members', to: paths.projectMembers(workspace, project) },
    { label: 'Webhooks', to: paths.webhooks(workspace, project) },
    { label: 'Manifest sets', to: paths.manifestSets(workspace, project) },
    { label: 'Config sets', to: paths.configSets(workspace, project) },
    { label: 'Releases', to: paths.releases(workspace, project) },
  ];
}

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
  const { confirm, dialog: confirmDialog } = useConfirm();
  const [editing, setEditing] = useState(false);
  const closeEdit = () => {
    setEditing(false);
    update.reset();
  };
  const p = project.data;

  const deleteProject = async () => {
    const deleted = await confirm({
      title: 'Delete project',
      body: `Delete project “${p?.name ?? slug}”? This cannot be undone.`,
      confirmLabel: 'Delete project',
      danger: true,
      ...deleteCancellingRuns((cancelRuns) => remove.mutateAsync({ cancelRuns })),
    });
    if (deleted) navigate(paths.workspace(workspace), { replace: true });
  };

  return (
    <DetailPage
      title={p?.name ?? slug}
      subtitle={p?.description ? <p>{p.description}</p> : null}
      query={project}
      errorTitle="Cannot open project"
      actions={
        <>
          {projectLinks(workspace, slug).map((link) => (
            <Link key={link.label} className="button" to={link.to}>
              {link.label}
            </Link>
          ))}
          <Gate permission="project.update" workspace={workspace} project={slug} mode="disable">
            <button type="button" className="button" onClick={() => setEditing(true)}>
              Edit
            </button>
          </Gate>
          <Gate permission="project.delete" workspace={workspace} project={slug} mode="disable">
            <button type="button" className="button button-danger-outline" onClick={deleteProject}>
              Delete
            </button>
          </Gate>
        </>
      }
    >
      {() =>
        p ? (
          <>
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
            <ProjectCaches workspace={workspace} project={slug} />
            <Modal title="Edit project" open={editing} onClose={closeEdit}>
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
                onCancel={closeEdit}
                submit={(values) =>
                  update.mutateAsync({
                    name: values.name,
                    description: values.description || null,
                    repoUrl: values.repoUrl || null,
                    gitCredential: values.gitCredential || null,
                    ...(values.defaultBranch ? { defaultBranch: values.defaultBranch } : {}),
                  })
                }
                onSuccess={closeEdit}
              />
            </Modal>
            {confirmDialog}
          </>
        ) : null
      }
    </DetailPage>
  );
}
