import type { ComponentType } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { Loading } from '../components/Loading.tsx';
import { NotFoundPage } from '../pages/not-found/NotFoundPage.tsx';
import { SignInPage } from '../pages/sign-in/SignInPage.tsx';
import { WorkspacesPage } from '../pages/workspaces/WorkspacesPage.tsx';
import { AppShell } from './AppShell.tsx';
import { crumbs } from './crumbs.tsx';
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

// Routes nest by URL (a child's absolute pattern starts with its parent's), so the matched
// routes from the root to a page carry the page's breadcrumb trail in their `handle.crumb`s
// (see components/page/Breadcrumbs.tsx). A parent without an element renders its child.
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
      {
        path: routePatterns.workspaces,
        handle: crumbs.workspaces,
        children: [
          { index: true, element: <WorkspacesPage /> },
          {
            path: routePatterns.workspace,
            handle: crumbs.workspace,
            children: [
              {
                index: true,
                lazy: page(() => import('../pages/workspace/WorkspacePage.tsx'), 'WorkspacePage'),
              },
              {
                path: routePatterns.workspaceMembers,
                handle: crumbs.workspaceMembers,
                lazy: page(() => import('../pages/members/MembersPage.tsx'), 'MembersPage'),
              },
              {
                path: routePatterns.environments,
                handle: crumbs.environments,
                children: [
                  {
                    index: true,
                    lazy: page(
                      () => import('../pages/environments/EnvironmentsPage.tsx'),
                      'EnvironmentsPage',
                    ),
                  },
                  {
                    path: routePatterns.environment,
                    handle: crumbs.environment,
                    lazy: page(() => import('../pages/environment/EnvironmentPage.tsx'), 'EnvironmentPage'),
                  },
                ],
              },
              {
                path: routePatterns.templates,
                handle: crumbs.templates,
                lazy: page(() => import('../pages/templates/TemplatesPage.tsx'), 'TemplatesPage'),
              },
              {
                path: routePatterns.credentials,
                handle: crumbs.credentials,
                lazy: page(() => import('../pages/credentials/CredentialsPage.tsx'), 'CredentialsPage'),
              },
              {
                path: routePatterns.notificationChannels,
                handle: crumbs.notificationChannels,
                lazy: page(
                  () => import('../pages/notifications/NotificationChannelsPage.tsx'),
                  'NotificationChannelsPage',
                ),
              },
              {
                path: routePatterns.project,
                handle: crumbs.project,
                children: [
                  {
                    index: true,
                    lazy: page(() => import('../pages/project/ProjectPage.tsx'), 'ProjectPage'),
                  },
                  {
                    path: routePatterns.projectMembers,
                    handle: crumbs.projectMembers,
                    lazy: page(() => import('../pages/members/MembersPage.tsx'), 'MembersPage'),
                  },
                  {
                    path: routePatterns.webhooks,
                    handle: crumbs.webhooks,
                    lazy: page(() => import('../pages/webhooks/WebhooksPage.tsx'), 'WebhooksPage'),
                  },
                  {
                    path: routePatterns.manifestSets,
                    handle: crumbs.manifestSets,
                    children: [
                      {
                        index: true,
                        lazy: page(
                          () => import('../pages/manifests/ManifestSetsPage.tsx'),
                          'ManifestSetsPage',
                        ),
                      },
                      {
                        path: routePatterns.manifestSet,
                        handle: crumbs.manifestSet,
                        lazy: page(() => import('../pages/manifests/ManifestSetPage.tsx'), 'ManifestSetPage'),
                      },
                    ],
                  },
                  {
                    path: routePatterns.configSets,
                    handle: crumbs.configSets,
                    children: [
                      {
                        index: true,
                        lazy: page(() => import('../pages/config/ConfigSetsPage.tsx'), 'ConfigSetsPage'),
                      },
                      {
                        path: routePatterns.configSet,
                        handle: crumbs.configSet,
                        lazy: page(() => import('../pages/config/ConfigSetPage.tsx'), 'ConfigSetPage'),
                      },
                    ],
                  },
                  {
                    path: routePatterns.releases,
                    handle: crumbs.releases,
                    children: [
                      {
                        index: true,
                        lazy: page(() => import('../pages/releases/ReleasesPage.tsx'), 'ReleasesPage'),
                      },
                      {
                        path: routePatterns.release,
                        handle: crumbs.release,
                        children: [
                          {
                            index: true,
                            lazy: page(() => import('../pages/releases/ReleasePage.tsx'), 'ReleasePage'),
                          },
                          {
                            path: routePatterns.releaseDiff,
                            handle: crumbs.releaseDiff,
                            lazy: page(
                              () => import('../pages/releases/ReleaseDiffPage.tsx'),
                              'ReleaseDiffPage',
                            ),
                          },
                        ],
                      },
                    ],
                  },
                  {
                    path: routePatterns.pipeline,
                    handle: crumbs.pipeline,
                    children: [
                      {
                        index: true,
                        lazy: page(() => import('../pages/pipeline/PipelinePage.tsx'), 'PipelinePage'),
                      },
                      {
                        path: routePatterns.runs,
                        handle: crumbs.runs,
                        children: [
                          { index: true, lazy: page(() => import('../pages/runs/RunsPage.tsx'), 'RunsPage') },
                          {
                            path: routePatterns.run,
                            handle: crumbs.run,
                            lazy: page(() => import('../pages/run/RunPage.tsx'), 'RunPage'),
                          },
                        ],
                      },
                      {
                        path: routePatterns.schedules,
                        handle: crumbs.schedules,
                        lazy: page(() => import('../pages/schedules/SchedulesPage.tsx'), 'SchedulesPage'),
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
      {
        path: routePatterns.approvals,
        handle: crumbs.approvals,
        children: [
          { index: true, lazy: page(() => import('../pages/approvals/ApprovalsPage.tsx'), 'ApprovalsPage') },
          {
            path: routePatterns.approval,
            handle: crumbs.approval,
            lazy: page(() => import('../pages/approvals/ApprovalPage.tsx'), 'ApprovalPage'),
          },
        ],
      },
      {
        path: routePatterns.clusters,
        handle: crumbs.clusters,
        lazy: page(() => import('../pages/clusters/ClustersPage.tsx'), 'ClustersPage'),
      },
      {
        path: routePatterns.users,
        handle: crumbs.users,
        lazy: page(() => import('../pages/users/UsersPage.tsx'), 'UsersPage'),
      },
      {
        path: routePatterns.audit,
        handle: crumbs.audit,
        lazy: page(() => import('../pages/audit/AuditPage.tsx'), 'AuditPage'),
      },
      {
        path: routePatterns.account,
        handle: crumbs.account,
        lazy: page(() => import('../pages/account/AccountPage.tsx'), 'AccountPage'),
      },
      {
        path: routePatterns.pipelineSpecDocs,
        handle: crumbs.pipelineSpecDocs,
        lazy: page(() => import('../pages/docs/PipelineSpecDocsPage.tsx'), 'PipelineSpecDocsPage'),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
