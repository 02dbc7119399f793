// What the deploy tests deploy and hold them with.

/** A Deployment mounting the release's ConfigMap, and its Service. */
export const MANIFESTS = (annotations = '', extra = '', deadlineSeconds = 600) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  progressDeadlineSeconds: ${deadlineSeconds}
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
      annotations: {${annotations}}
    spec:
      containers:
        - name: web
          image: \${{ release.image }}
          volumeMounts:
            - { name: config, mountPath: /etc/app }
      volumes:
        - name: config
          configMap:
            name: \${{ release.config.app-config }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
data:
  greeting: hello
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: web }
  ports:
    - port: 80
${extra}`;

/** A pipeline whose one job deploys the manifest set `web` with the config set `app-config`. */
export const DEPLOY_SPEC = `stages:
  - name: ship
    jobs:
      - name: release
        steps:
          - deploy:
              manifests: web
              image: registry.example.com/shop:\${{ run.number }}
              config: [app-config]
              timeout: 2m
`;

/** A one-off freeze window over every date a test runs on: always in force. */
export const ALWAYS_FROZEN = {
  kind: 'once',
  name: 'always',
  from: '2020-01-01T00:00',
  to: '2099-12-31T00:00',
  timeZone: 'UTC',
};
