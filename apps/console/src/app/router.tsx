import { createBrowserRouter, Navigate } from 'react-router';
import { AccountPage } from '../pages/account/AccountPage.tsx';
import { AuditPage } from '../pages/audit/AuditPage.tsx';
import { ClustersPage } from '../pages/clusters/ClustersPage.tsx';
import { CredentialsPage } from '../pages/credentials/CredentialsPage.tsx';
import { PipelineSpecDocsPage } from '../pages/docs/PipelineSpecDocsPage.tsx';
import { EnvironmentPage } from '../pages/environment/EnvironmentPage.tsx';
import { EnvironmentsPage } from '../pages/environments/EnvironmentsPage.tsx';
import { InvitePage } from '../pages/invite/InvitePage.tsx';
import { MembersPage } from '../pages/members/MembersPage.tsx';
import { NotFoundPage } from '../pages/not-found/NotFoundPage.tsx';
import { PipelinePage } from '../pages/pipeline/PipelinePage.tsx';
import { ProjectPage } from '../pages/project/ProjectPage.tsx';
import { RunPage } from '../pages/run/RunPage.tsx';
import { RunsPage } from '../pages/runs/RunsPage.tsx';
import { SignInPage } from '../pages/sign-in/SignInPage.tsx';
import { TemplatesPage } from '../pages/templates/TemplatesPage.tsx';
import { UsersPage } from '../pages/users/UsersPage.tsx';
import { WebhooksPage } from '../pages/webhooks/WebhooksPage.tsx';
import { WorkspacePage } from '../pages/workspace/WorkspacePage.tsx';
import { WorkspacesPage } from '../pages/workspaces/WorkspacesPage.tsx';
import { AppShell } from './AppShell.tsx';
import { paths, routePatterns } from './paths.ts';

export const router = createBrowserRouter([
  { path: routePatterns.signIn, element: <SignInPage /> },
  { path: routePatterns.invite, element: <InvitePage /> },
  {
    element: <AppShell />,
    children: [
      { index: true, element: <Navigate to={paths.workspaces()} replace /> },
      { path: routePatterns.workspaces, element: <WorkspacesPage /> },
      { path: routePatterns.workspace, element: <WorkspacePage /> },
      { path: routePatterns.project, element: <ProjectPage /> },
      { path: routePatterns.environments, element: <EnvironmentsPage /> },
      { path: routePatterns.templates, element: <TemplatesPage /> },
      { path: routePatterns.credentials, element: <CredentialsPage /> },
      { path: routePatterns.environment, element: <EnvironmentPage /> },
      { path: routePatterns.clusters, element: <ClustersPage /> },
      { path: routePatterns.users, element: <UsersPage /> },
      { path: routePatterns.audit, element: <AuditPage /> },
      { path: routePatterns.account, element: <AccountPage /> },
      { path: routePatterns.pipelineSpecDocs, element: <PipelineSpecDocsPage /> },
      { path: routePatterns.workspaceMembers, element: <MembersPage /> },
      { path: routePatterns.projectMembers, element: <MembersPage /> },
      { path: routePatterns.webhooks, element: <WebhooksPage /> },
      { path: routePatterns.pipeline, element: <PipelinePage /> },
      { path: routePatterns.runs, element: <RunsPage /> },
      {
        path: routePatterns.run,
        element: <RunPage />,
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
