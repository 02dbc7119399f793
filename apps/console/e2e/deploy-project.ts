// A project that deploys on the local control plane, for the browser tests that deploy for
// real (deploy-run.e2e, approvals.e2e): a manifest set whose Deployment takes the run's image
// and mounts the config set's ConfigMap, a config set with a first version in staging, and a
// pipeline whose only job deploys.
import type { Page } from 'playwright-core';
import { paths } from '../src/app/paths.ts';
import { api } from './helpers.ts';

export const IMAGE = 'registry.example.com/shop/web';

export const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: \${{ release.image }}
          volumeMounts:
            - name: config
              mountPath: /etc/web
      volumes:
        - name: config
          configMap:
            name: \${{ release.config.app-config }}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8080
`;

export const PIPELINE = `releaseTypes:
  release:
    description: Deploy the web app to the chosen environment
stages:
  - name: deploy
    jobs:
      - name: web
        steps:
          - name: deploy
            deploy:
              manifests: web
              image: ${IMAGE}:\${{ run.number }}
              config: [app-config]
              timeout: 5m
`;

/**
 * Adds manifest set `web`, config set `app-config` (version 1 in staging: `data`) and
 * pipeline `ci` (release type `release`, one deploy job `web`) to `workspace`/shop, as the
 * signed-in user of `page`.
 */
export async function setUpDeployProject(
  page: Page,
  workspace: string,
  data: Record<string, string> = { GREETING: 'hello' },
): Promise<void> {
  const projectApi = `/api/v1${paths.project(workspace, 'shop')}`;
  await api(page, 'POST', `${projectApi}/manifest-sets`, {
    name: 'web',
    files: { 'web.yaml': MANIFESTS },
    message: 'Deployment and Service',
  });
  await api(page, 'POST', `${projectApi}/config-sets`, { name: 'app-config' });
  await api(page, 'POST', `${projectApi}/config-sets/app-config/environments/staging/versions`, {
    data,
    message: 'First configuration',
  });
  await api(page, 'POST', `${projectApi}/pipelines`, { name: 'ci', spec: PIPELINE });
}
