import type { Project } from '@slipway/contracts';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { Gate } from '../../components/Gate.tsx';
import { Modal } from '../../components/Modal.tsx';
import { DetailPage, useConfirm } from '../../components/page/DetailPage.tsx';
import { type ListColumn, ListSection } from '../../components/page/ListPage.tsx';
import { useCreateProject } from '../../features/projects/api/mutations.ts';
import { useProjects } from '../../features/projects/api/queries.ts';
import { ProjectForm } from '../../features/projects/components/ProjectForm.tsx';
import { useDeleteWorkspace, useUpdateWorkspace } from '../../features/workspaces/api/mutations.ts';
import { useWorkspace } from '../../features/workspaces/api/queries.ts';
import { WorkspaceForm } from '../../features/workspaces/components/WorkspaceForm.tsx';

type Dialog = 'create-project' | 'edit' | null;

function projectColumns(workspace: string): ListColumn<Project>[] {
  return [
    {
      header: 'Name',
      cell: (project) => <Link to={paths.project(workspace, project.slug)}>{project.name}</Link>,
    },
    { header: 'Slug', cell: (project) => <code>{project.slug}</code> },
    { header: 'Repository', className: 'muted', cell: (project) => project.repoUrl ?? '—' },
    { header: 'Default branch', cell: (project) => project.defaultBranch },
  ];
}

export function WorkspacePage() {
  const slug = useParams().workspace ?? '';
  const navigate = useNavigate();
  const workspace = useWorkspace(slug);
  const projects = useProjects(slug);
  const createProject = useCreateProject(slug);
  const update = useUpdateWorkspace(slug);
  const remove = useDeleteWorkspace(slug);
  const { confirm, dialog: confirmDialog } = useConfirm();
  const [dialog, setDialog] = useState<Dialog>(null);
  const close = () => {
    setDialog(null);
    createProject.reset();
    update.reset();
  };
  const ws = workspace.data;

  const deleteWorkspace = async () => {
    const deleted = await confirm({
      title: 'Delete workspace',
      body: `Delete workspace “${ws?.name ?? slug}”? Only an empty workspace can be deleted.`,
      confirmLabel: 'Delete workspace',
      danger: true,
      action: () => remove.mutateAsync(undefined),
    });
    if (deleted) navigate(paths.workspaces(), { replace: true });
  };

  return (
    <DetailPage
      title={ws?.name ?? slug}
      subtitle={
        ws ? (
          <p>
            <code>{ws.slug}</code> {ws.description ? `· ${ws.description}` : null}
          </p>
        ) : null
      }
      query={workspace}
      errorTitle="Cannot open workspace"
      actions={
        <>
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
            <button type="button" className="button button-danger-outline" onClick={deleteWorkspace}>
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
        </>
      }
    >
      {() => (
        <>
          <h2>Projects</h2>
          <ListSection
            label="Projects"
            query={projects}
            errorTitle="Cannot list projects"
            items={projects.data?.pages.flatMap((page) => page.items)}
            columns={projectColumns(slug)}
            rowKey={(project) => project.slug}
            paging={projects}
            empty={{
              title: 'No projects in this workspace yet.',
              action: (
                <Gate permission="project.create" workspace={slug}>
                  <button type="button" className="button" onClick={() => setDialog('create-project')}>
                    Create the first project
                  </button>
                </Gate>
              ),
            }}
          />
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
          {ws ? (
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
          ) : null}
          {confirmDialog}
        </>
      )}
    </DetailPage>
  );
}
