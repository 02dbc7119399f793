export type {
  CoreV1Event,
  KubernetesObject,
  V1ConfigMap,
  V1Container,
  V1DaemonSet,
  V1Deployment,
  V1Job,
  V1Namespace,
  V1Pod,
  V1Secret,
  V1SecurityContext,
  V1StatefulSet,
} from '@kubernetes/client-node';
export {
  type AccessCheck,
  type AccessResult,
  createKubeClient,
  FIELD_MANAGER,
  type KubeClient,
  type KubeClientOptions,
  type OpenApiV3Path,
} from './client.ts';
export { DEPLOYER_SERVICE_ACCOUNT, deployerUser } from './deployer.ts';
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
export { type ClusterSource, loadKubeConfig } from './kubeconfig.ts';
export type { PodLogOptions } from './logs.ts';
export type { FieldValidation, ObjectRef } from './objects.ts';
export {
  type CrashLoopingContainer,
  crashLoopingPods,
  PROGRESS_DEADLINE_EXCEEDED,
  type RolloutStatus,
  rolloutStatusOf,
} from './rollout.ts';
export type { WatchEvent, WatchEventType, WatchOptions, WatchTarget } from './watch.ts';
