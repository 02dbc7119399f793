// A kubeconfig of a cluster nobody answers at (port 1 of loopback): environments on it can
// be created in the database and deploys into them fail as "unreachable" after their timeout.
export const UNREACHABLE_KUBECONFIG = JSON.stringify({
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
  users: [{ name: 'u', user: { token: 'x' } }],
  contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
  'current-context': 'c',
});
