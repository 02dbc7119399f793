import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { paths } from '../../app/paths.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Gate } from '../../components/Gate.tsx';
import { Modal } from '../../components/Modal.tsx';
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

export function ProjectPipelines({ workspace, project }: { workspace: string; project: string }) {
  const pipelines = usePipelines(workspace, project);
  const create = useCreatePipeline(workspace, project);
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const close = () => {
    setCreating(false);
    create.reset();
  };
  const items = pipelines.data?.items ?? [];
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
      <ErrorNotice error={pipelines.error} />
      {pipelines.isSuccess && items.length === 0 ? <p className="muted">No pipelines yet.</p> : null}
      {items.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label="Pipelines">
            <thead>
              <tr>
                <th>Pipeline</th>
                <th>Revision</th>
                <th>Last saved</th>
                <th>
                  <span className="visually-hidden">Runs</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((pipeline) => (
                <tr key={pipeline.name}>
                  <td>
                    <Link to={paths.pipeline({ workspace, project, pipeline: pipeline.name })}>
                      {pipeline.name}
                    </Link>
                  </td>
                  <td>{pipeline.revision}</td>
                  <td className="muted">
                    {new Date(pipeline.updatedAt).toLocaleString()}{' '}
                    {pipeline.updatedBy ? `by ${pipeline.updatedBy}` : ''}
                  </td>
                  <td className="row-actions">
                    <Link
                      to={paths.runs({ workspace, project, pipeline: pipeline.name })}
                      aria-label={`Runs of ${pipeline.name}`}
                    >
                      Runs
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
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
