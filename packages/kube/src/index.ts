export type {
  CoreV1Event,
  KubernetesObject,
  V1Container,
  V1Deployment,
  V1Job,
  V1Namespace,
  V1Pod,
  V1Secret,
  V1SecurityContext,
} from '@kubernetes/client-node';
export {
  type AccessCheck,
  type AccessResult,
  type ClusterSource,
  createKubeClient,
  FIELD_MANAGER,
  type KubeClient,
  loadKubeConfig,
} from './client.ts';
export { KubeError, type KubeErrorDetail } from './errors.ts';
export {
  createInformer,
  type Indexers,
  type Informer,
  type InformerHandler,
  type InformerOptions,
  objectKey,
  withoutManagedFields,
} from './informer.ts';
export type { PodLogOptions } from './logs.ts';
export type { WatchEvent, WatchEventType, WatchOptions, WatchTarget } from './watch.ts';
