import { type ProjectStarter, ProjectStarterSchema } from '@slipway/contracts';
import { STARTER_TEMPLATES } from '@slipway/pipeline';
import { Link } from 'react-router';
import { paths } from '../../../app/paths.ts';

/** The starter an import reported, when the page was reached right after it (router state). */
export function starterFromState(state: unknown): ProjectStarter | undefined {
  const parsed = ProjectStarterSchema.safeParse((state as { starter?: unknown } | null)?.starter);
  return parsed.success ? parsed.data : undefined;
}

/** What importing the project detected and created, shown once after the import. */
export function StarterNotice(props: {
  workspace: string;
  project: string;
  starter: ProjectStarter;
  onDismiss: () => void;
}) {
  const { starter } = props;
  const kind = starter.type ? STARTER_TEMPLATES[starter.type].label : null;
  const found = kind
    ? starter.detectedFrom.length > 0
      ? `Detected ${kind} from ${starter.detectedFrom.join(', ')}.`
      : `Starter for ${kind}, as chosen.`
    : null;
  const origin = starter.template?.published ? ', just published into the workspace' : '';
  return (
    <div
      className={`notice ${starter.pipeline ? 'notice-info' : 'notice-error'}`}
      role="status"
      aria-label="Starter pipeline"
    >
      {found ? `${found} ` : null}
      {starter.pipeline ? (
        <>
          Created pipeline{' '}
          <Link
            to={paths.pipeline({
              workspace: props.workspace,
              project: props.project,
              pipeline: starter.pipeline,
            })}
          >
            {starter.pipeline}
          </Link>{' '}
          {starter.template ? (
            <>
              using template{' '}
              <code>
                {starter.template.name}@{starter.template.version}
              </code>
              {origin}
            </>
          ) : null}
          .
        </>
      ) : (
        `No starter pipeline was created${starter.reason ? `: ${starter.reason}` : ''}.`
      )}
      {starter.pipeline && starter.reason ? <> Note: {starter.reason}.</> : null}{' '}
      <button type="button" className="button" onClick={props.onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
