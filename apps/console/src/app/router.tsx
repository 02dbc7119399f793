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
import { crumbs } from './crumbs.tsx';
import { paths, routePatterns } from './paths.ts';

// Routes nest by URL (a child's absolute pattern starts with its parent's), so the matched
// routes from the root to a page carry the page's breadcrumb trail in their `handle.crumb`s
// (see components/page/Breadcrumbs.tsx). A parent without an element renders its child.
export const router = createBrowserRouter([
  { path: routePatterns.signIn, element: <SignInPage /> },
  { path: routePatterns.invite, element: <InvitePage /> },
  {
    element: <AppShell />,
    children: [
      { index: true, element: <Navigate to={paths.workspaces()} replace /> },
      {
        path: routePatterns.workspaces,
        handle: crumbs.workspaces,
        children: [
          { index: true, element: <WorkspacesPage /> },
          {
            path: routePatterns.workspace,
            handle: crumbs.workspace,
            children: [
              { index: true, element: <WorkspacePage /> },
              {
                path: routePatterns.workspaceMembers,
                handle: crumbs.workspaceMembers,
                element: <MembersPage />,
              },
              {
                path: routePatterns.environments,
                handle: crumbs.environments,
                children: [
                  { index: true, element: <EnvironmentsPage /> },
                  {
                    path: routePatterns.environment,
                    handle: crumbs.environment,
                    element: <EnvironmentPage />,
                  },
                ],
              },
              { path: routePatterns.templates, handle: crumbs.templates, element: <TemplatesPage /> },
              { path: routePatterns.credentials, handle: crumbs.credentials, element: <CredentialsPage /> },
              {
                path: routePatterns.project,
                handle: crumbs.project,
                children: [
                  { index: true, element: <ProjectPage /> },
                  {
                    path: routePatterns.projectMembers,
                    handle: crumbs.projectMembers,
                    element: <MembersPage />,
                  },
                  { path: routePatterns.webhooks, handle: crumbs.webhooks, element: <WebhooksPage /> },
                  {
                    path: routePatterns.pipeline,
                    handle: crumbs.pipeline,
                    children: [
                      { index: true, element: <PipelinePage /> },
                      {
                        path: routePatterns.runs,
                        handle: crumbs.runs,
                        children: [
                          { index: true, element: <RunsPage /> },
                          { path: routePatterns.run, handle: crumbs.run, element: <RunPage /> },
                        ],
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
      { path: routePatterns.clusters, handle: crumbs.clusters, element: <ClustersPage /> },
      { path: routePatterns.users, handle: crumbs.users, element: <UsersPage /> },
      { path: routePatterns.audit, handle: crumbs.audit, element: <AuditPage /> },
      { path: routePatterns.account, handle: crumbs.account, element: <AccountPage /> },
      {
        path: routePatterns.pipelineSpecDocs,
        handle: crumbs.pipelineSpecDocs,
        element: <PipelineSpecDocsPage />,
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
