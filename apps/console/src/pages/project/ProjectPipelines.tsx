import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { paths } from '../../app/paths.ts';
import { Gate } from '../../components/Gate.tsx';
import { Modal } from '../../components/Modal.tsx';
import { type ListColumn, ListSection } from '../../components/page/ListPage.tsx';
import { useCreatePipeline, usePipelines } from '../../features/pipelines/api/pipelines.ts';
import { NamedSpecForm } from '../../features/pipelines/components/NamedSpecForm.tsx';

const STARTER = `# A first pipeline: edit the image and commands for your project.
releaseTypes:
  full: {}
stages:
  - name: test
    jobs:
      - name: unit
        image: node:24
        steps:
          - run: npm ci && npm test
`;

/** A row of the pipelines list, as the list endpoint returns it. */
type PipelineSummary = NonNullable<ReturnType<typeof usePipelines>['data']>['items'][number];

function pipelineColumns(workspace: string, project: string): ListColumn<PipelineSummary>[] {
  return [
    {
      header: 'Pipeline',
      cell: (pipeline) => (
        <Link to={paths.pipeline({ workspace, project, pipeline: pipeline.name })}>{pipeline.name}</Link>
      ),
    },
    { header: 'Revision', cell: (pipeline) => pipeline.revision },
    {
      header: 'Last saved',
      className: 'muted',
      cell: (pipeline) => (
        <>
          {new Date(pipeline.updatedAt).toLocaleString()}{' '}
          {pipeline.updatedBy ? `by ${pipeline.updatedBy}` : ''}
        </>
      ),
    },
    {
      header: <span className="visually-hidden">Runs</span>,
      cell: (pipeline) => (
        <Link
          to={paths.runs({ workspace, project, pipeline: pipeline.name })}
          aria-label={`Runs of ${pipeline.name}`}
        >
          Runs
        </Link>
      ),
    },
  ];
}

export function ProjectPipelines({ workspace, project }: { workspace: string; project: string }) {
  const pipelines = usePipelines(workspace, project);
  const create = useCreatePipeline(workspace, project);
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const close = () => {
    setCreating(false);
    create.reset();
  };
  return (
    <>
      <div className="section-header">
        <h2>Pipelines</h2>
        <Gate permission="pipeline.edit" workspace={workspace} project={project}>
          <button type="button" className="button" onClick={() => setCreating(true)}>
            Create pipeline
          </button>
        </Gate>
      </div>
      <ListSection
        label="Pipelines"
        query={pipelines}
        errorTitle="Cannot list pipelines"
        items={pipelines.data?.items}
        columns={pipelineColumns(workspace, project)}
        rowKey={(pipeline) => pipeline.name}
        empty={{
          title: 'No pipelines yet.',
          body: 'A pipeline is the YAML that says how this project builds, tests and deploys.',
        }}
      />
      <Modal title="Create pipeline" open={creating} onClose={close}>
        <NamedSpecForm
          kind="pipeline"
          initialName="ci"
          initialSpec={STARTER}
          submit={create.mutateAsync}
          onSuccess={(created) => navigate(paths.pipeline({ workspace, project, pipeline: created.name }))}
          onCancel={close}
        />
      </Modal>
    </>
  );
}
