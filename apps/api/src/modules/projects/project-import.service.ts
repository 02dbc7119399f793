import type { CreatedProject, CreateProjectBody, ProjectStarter, StarterType } from '@slipway/contracts';
import {
  detectRepository,
  type RepositoryDetection,
  STARTER_TEMPLATES,
  starterInputs,
  starterPipelineText,
} from '@slipway/pipeline';
import type { Actor } from '../../lib/actor.ts';
import { AppError } from '../../lib/errors.ts';
import { type GitRepositories, RepositoryUnreadableError } from '../../lib/git-repository.ts';
import type { PipelinesService } from '../pipelines/pipelines.service.ts';
import type { TemplatesService } from '../templates/templates.service.ts';
import type { ProjectsService } from './projects.service.ts';

export const STARTER_PIPELINE_NAME = 'ci';

const LOOKED_FOR =
  'pom.xml, build.gradle(.kts), go.mod, pyproject.toml, setup.py, Pipfile, package.json, requirements.txt, index.html';

/** What reading the repository found, or why it could not be read. */
type Scan =
  | { readable: true; detection: RepositoryDetection | undefined; inputs: Record<string, string> }
  | { readable: false; problem: string };

/**
 * Importing a project: creating it and, when asked, a starter pipeline chosen by the
 * repository's type. The project is created first and stays created whatever happens to
 * the starter; `starter.reason` reports an unreadable repository, an unknown type, or a
 * pipeline that could not be created.
 */
export function createProjectImportService(deps: {
  projects: ProjectsService;
  templates: TemplatesService;
  pipelines: PipelinesService;
  repositories: GitRepositories;
}) {
  const { projects, templates, pipelines, repositories } = deps;

  async function scan(repoUrl: string, branch: string, requested: StarterType | 'auto'): Promise<Scan> {
    try {
      return await repositories.withRoot(repoUrl, branch, async (root) => {
        const detection = await detectRepository(root.files, root.read);
        const type = requested === 'auto' ? detection?.type : requested;
        const inputs = type ? await starterInputs(type, root.files, root.read) : {};
        return { readable: true, detection, inputs };
      });
    } catch (error) {
      // The project exists by now: no failure here may turn the import into an error.
      const problem = error instanceof RepositoryUnreadableError ? error.message : 'an internal error';
      return { readable: false, problem };
    }
  }

  async function createStarter(
    actor: Actor,
    workspace: string,
    project: CreatedProject,
    requested: StarterType | 'auto',
  ): Promise<ProjectStarter> {
    const found = project.repoUrl ? await scan(project.repoUrl, project.defaultBranch, requested) : undefined;
    const unreadable = found && !found.readable ? `could not read the repository: ${found.problem}` : null;
    const detection = found?.readable ? found.detection : undefined;
    const type = requested === 'auto' ? detection?.type : requested;
    const nothing = { type: null, detectedFrom: [], template: null, pipeline: null };
    if (!type) {
      return {
        ...nothing,
        reason: unreadable ?? `no known build file at the repository root (looked for ${LOOKED_FOR})`,
      };
    }
    const detectedFrom = requested === 'auto' ? (detection?.detectedFrom ?? []) : [];
    const starter = STARTER_TEMPLATES[type];
    const { workspaceId } = await projects.authorize(actor, workspace, project.slug, 'project.read');
    const template = await templates.ensureBuiltIn(
      workspaceId,
      { name: starter.name, description: starter.description, spec: starter.text },
      actor.username,
    );
    const result = {
      type,
      detectedFrom,
      template: { name: starter.name, version: template.version, published: template.published },
    };
    const spec = starterPipelineText({
      type,
      template: { name: starter.name, version: template.version },
      inputs: found?.readable ? found.inputs : {},
      detectedFrom,
    });
    try {
      const pipeline = await pipelines.create(actor, workspace, project.slug, {
        name: STARTER_PIPELINE_NAME,
        spec,
        message: `Starter pipeline from ${starter.name}@${template.version}`,
      });
      return {
        ...result,
        pipeline: pipeline.name,
        reason: unreadable ? `${unreadable}; the pipeline uses the template’s defaults` : null,
      };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // e.g. the workspace's own version of the template takes other inputs, or the caller
      // may create projects but not edit their pipelines.
      const why = error.details?.[0]?.message ?? error.message;
      return { ...result, pipeline: null, reason: `${STARTER_PIPELINE_NAME} was refused: ${why}` };
    }
  }

  return {
    async create(actor: Actor, workspace: string, body: CreateProjectBody): Promise<CreatedProject> {
      const project = await projects.create(actor, workspace, body);
      if (!body.starterPipeline) return project;
      return { ...project, starter: await createStarter(actor, workspace, project, body.starterPipeline) };
    },
  };
}

export type ProjectImportService = ReturnType<typeof createProjectImportService>;
