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

export const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage /> },
  { path: '/invite', element: <InvitePage /> },
  {
    element: <AppShell />,
    children: [
      { index: true, element: <Navigate to="/workspaces" replace /> },
      { path: 'workspaces', element: <WorkspacesPage /> },
      { path: 'workspaces/:workspace', element: <WorkspacePage /> },
      { path: 'workspaces/:workspace/projects/:project', element: <ProjectPage /> },
      { path: 'workspaces/:workspace/environments', element: <EnvironmentsPage /> },
      { path: 'workspaces/:workspace/templates', element: <TemplatesPage /> },
      { path: 'workspaces/:workspace/credentials', element: <CredentialsPage /> },
      { path: 'workspaces/:workspace/environments/:environment', element: <EnvironmentPage /> },
      { path: 'clusters', element: <ClustersPage /> },
      { path: 'users', element: <UsersPage /> },
      { path: 'audit', element: <AuditPage /> },
      { path: 'account', element: <AccountPage /> },
      { path: 'docs/pipeline-spec', element: <PipelineSpecDocsPage /> },
      { path: 'workspaces/:workspace/members', element: <MembersPage /> },
      { path: 'workspaces/:workspace/projects/:project/members', element: <MembersPage /> },
      { path: 'workspaces/:workspace/projects/:project/webhooks', element: <WebhooksPage /> },
      { path: 'workspaces/:workspace/projects/:project/pipelines/:pipeline', element: <PipelinePage /> },
      { path: 'workspaces/:workspace/projects/:project/pipelines/:pipeline/runs', element: <RunsPage /> },
      {
        path: 'workspaces/:workspace/projects/:project/pipelines/:pipeline/runs/:number',
        element: <RunPage />,
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
