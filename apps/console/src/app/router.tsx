import type { ComponentType } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { Loading } from '../components/Loading.tsx';
import { NotFoundPage } from '../pages/not-found/NotFoundPage.tsx';
import { SignInPage } from '../pages/sign-in/SignInPage.tsx';
import { WorkspacesPage } from '../pages/workspaces/WorkspacesPage.tsx';
import { AppShell } from './AppShell.tsx';
import { paths, routePatterns } from './paths.ts';

/**
 * A route whose page is fetched on its first visit, in its own chunk (react-router's route
 * `lazy`): the first load (sign-in, the workspace list) carries only the shell and those two
 * pages, and each new page adds to its own chunk, not to everyone's first load
 * (`./run bench:console` prints what each route transfers).
 */
function page<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return async () => ({ Component: (await load())[name] });
}

export const router = createBrowserRouter([
  { path: routePatterns.signIn, element: <SignInPage /> },
  {
    path: routePatterns.invite,
    lazy: page(() => import('../pages/invite/InvitePage.tsx'), 'InvitePage'),
    hydrateFallbackElement: <Loading />,
  },
  {
    element: <AppShell />,
    hydrateFallbackElement: <Loading label="Loading Slipway…" />,
    children: [
      { index: true, element: <Navigate to={paths.workspaces()} replace /> },
      { path: routePatterns.workspaces, element: <WorkspacesPage /> },
      {
        path: routePatterns.workspace,
        lazy: page(() => import('../pages/workspace/WorkspacePage.tsx'), 'WorkspacePage'),
      },
      {
        path: routePatterns.project,
        lazy: page(() => import('../pages/project/ProjectPage.tsx'), 'ProjectPage'),
      },
      {
        path: routePatterns.environments,
        lazy: page(() => import('../pages/environments/EnvironmentsPage.tsx'), 'EnvironmentsPage'),
      },
      {
        path: routePatterns.templates,
        lazy: page(() => import('../pages/templates/TemplatesPage.tsx'), 'TemplatesPage'),
      },
      {
        path: routePatterns.credentials,
        lazy: page(() => import('../pages/credentials/CredentialsPage.tsx'), 'CredentialsPage'),
      },
      {
        path: routePatterns.environment,
        lazy: page(() => import('../pages/environment/EnvironmentPage.tsx'), 'EnvironmentPage'),
      },
      {
        path: routePatterns.clusters,
        lazy: page(() => import('../pages/clusters/ClustersPage.tsx'), 'ClustersPage'),
      },
      { path: routePatterns.users, lazy: page(() => import('../pages/users/UsersPage.tsx'), 'UsersPage') },
      { path: routePatterns.audit, lazy: page(() => import('../pages/audit/AuditPage.tsx'), 'AuditPage') },
      {
        path: routePatterns.account,
        lazy: page(() => import('../pages/account/AccountPage.tsx'), 'AccountPage'),
      },
      {
        path: routePatterns.pipelineSpecDocs,
        lazy: page(() => import('../pages/docs/PipelineSpecDocsPage.tsx'), 'PipelineSpecDocsPage'),
      },
      {
        path: routePatterns.workspaceMembers,
        lazy: page(() => import('../pages/members/MembersPage.tsx'), 'MembersPage'),
      },
      {
        path: routePatterns.projectMembers,
        lazy: page(() => import('../pages/members/MembersPage.tsx'), 'MembersPage'),
      },
      {
        path: routePatterns.webhooks,
        lazy: page(() => import('../pages/webhooks/WebhooksPage.tsx'), 'WebhooksPage'),
      },
      {
        path: routePatterns.pipeline,
        lazy: page(() => import('../pages/pipeline/PipelinePage.tsx'), 'PipelinePage'),
      },
      { path: routePatterns.runs, lazy: page(() => import('../pages/runs/RunsPage.tsx'), 'RunsPage') },
      { path: routePatterns.run, lazy: page(() => import('../pages/run/RunPage.tsx'), 'RunPage') },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
