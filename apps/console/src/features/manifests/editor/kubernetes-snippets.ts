/**
 * Ready-made Kubernetes objects offered by the manifest editor's completion at the start of
 * a YAML document. Bodies use Monaco's snippet syntax (`${1:default}` tab stops, `\${{` for a
 * literal `${{` of a Slipway placeholder) and are written at indentation 0.
 */
export interface KubernetesSnippet {
  label: string;
  detail: string;
  body: string;
}

const lines = (...parts: string[]) => parts.join('\n');

const deploymentHead = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: ${1:web}',
  '  labels:',
  '    app: ${1:web}',
  'spec:',
  '  replicas: ${2:2}',
  '  selector:',
  '    matchLabels:',
  '      app: ${1:web}',
  '  template:',
  '    metadata:',
  '      labels:',
  '        app: ${1:web}',
  '    spec:',
  '      containers:',
  '        - name: ${1:web}',
  '          image: \\${{ release.image }}',
  '          ports:',
  '            - containerPort: ${3:8080}',
];

export const KUBERNETES_SNIPPETS: readonly KubernetesSnippet[] = [
  {
    label: 'Deployment',
    detail: 'A Deployment running the release’s image (${{ release.image }})',
    body: lines(...deploymentHead),
  },
  {
    label: 'Deployment with config',
    detail: 'A Deployment mounting a config set’s versioned ConfigMap (${{ release.config.<set> }})',
    body: lines(
      ...deploymentHead,
      '          volumeMounts:',
      '            - name: config',
      '              mountPath: ${4:/etc/app}',
      '              readOnly: true',
      '      volumes:',
      '        - name: config',
      '          configMap:',
      '            name: \\${{ release.config.${5:app-config} }}',
    ),
  },
  {
    label: 'Service',
    detail: 'A ClusterIP Service in front of the pods labelled app: <name>',
    body: lines(
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: ${1:web}',
      'spec:',
      '  selector:',
      '    app: ${1:web}',
      '  ports:',
      '    - name: http',
      '      port: ${2:80}',
      '      targetPort: ${3:8080}',
    ),
  },
  {
    label: 'Ingress',
    detail: 'An Ingress routing a host to a Service',
    body: lines(
      'apiVersion: networking.k8s.io/v1',
      'kind: Ingress',
      'metadata:',
      '  name: ${1:web}',
      'spec:',
      '  rules:',
      '    - host: ${2:web.example.com}',
      '      http:',
      '        paths:',
      '          - path: /',
      '            pathType: Prefix',
      '            backend:',
      '              service:',
      '                name: ${3:web}',
      '                port:',
      '                  number: ${4:80}',
    ),
  },
];

/**
 * Whether an object snippet may go on `lineIndex` (0-based) at `column`: the line holds at most
 * one word, from its very beginning (a top-level key being typed), and the YAML document it is in —
 * from the previous `---` — holds nothing else yet but comments.
 */
export function snippetsFitAt(text: string, lineIndex: number, column: number): boolean {
  const all = text.split('\n');
  const line = all[lineIndex] ?? '';
  if (column > line.length || !/^[A-Za-z][\w-]*$|^$/.test(line.trimEnd())) return false;
  for (let i = lineIndex - 1; i >= 0; i--) {
    const other = all[i] ?? '';
    if (/^---\s*(#.*)?$/.test(other)) break;
    if (!/^\s*(#.*)?$/.test(other)) return false;
  }
  for (let i = lineIndex + 1; i < all.length; i++) {
    const other = all[i] ?? '';
    if (/^---\s*(#.*)?$/.test(other)) return true;
    if (!/^\s*(#.*)?$/.test(other)) return false;
  }
  return true;
}

/** The snippet as inserted with its defaults (for the completion's preview and for tests). */
export function snippetText(body: string): string {
  return body.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\\\$/g, '$');
}
