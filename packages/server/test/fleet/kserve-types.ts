/**
 * The part of KServe's API (serving.kserve.io) that our manifests use, typed from its Go types
 * (`pkg/apis/serving/v1alpha1/servingruntime_types.go`, `v1beta1/predictor.go`, `component.go`,
 * `model.go`): no npm package carries KServe's schema. Pod and container fields are Kubernetes' own.
 * Only what exists there may be written here, so that a misspelt field fails the manifest check.
 */
import type {
  IIoK8sApiAppsV1DeploymentStrategy as DeploymentStrategy,
  IDeployment,
} from 'kubernetes-models/apps/v1'
import type {
  IIoK8sApiCoreV1Affinity as Affinity,
  IIoK8sApiCoreV1Container as Container,
  IIoK8sApiCoreV1LocalObjectReference as LocalObjectReference,
  IIoK8sApiCoreV1PodSpec as PodSpec,
  IIoK8sApiCoreV1Toleration as Toleration,
  IIoK8sApiCoreV1Volume as Volume,
} from 'kubernetes-models/v1'

type ObjectMeta = NonNullable<IDeployment['metadata']>
type Protocol = 'v1' | 'v2' | 'grpc-v1' | 'grpc-v2'

export interface SupportedModelFormat {
  name: string
  version?: string
  autoSelect?: boolean
  /** At least 1. */
  priority?: number
}

export interface ServingRuntimeSpec {
  supportedModelFormats?: SupportedModelFormat[]
  multiModel?: boolean
  disabled?: boolean
  protocolVersions?: Protocol[]
  containers: Container[]
  volumes?: Volume[]
  nodeSelector?: Record<string, string>
  affinity?: Affinity
  tolerations?: Toleration[]
  labels?: Record<string, string>
  annotations?: Record<string, string>
  imagePullSecrets?: LocalObjectReference[]
  hostIPC?: boolean
  grpcEndpoint?: string
  grpcDataEndpoint?: string
  httpDataEndpoint?: string
  replicas?: number
  storageHelper?: { disabled?: boolean }
}

export interface ServingRuntime {
  apiVersion: 'serving.kserve.io/v1alpha1'
  kind: 'ServingRuntime' | 'ClusterServingRuntime'
  metadata?: ObjectMeta
  spec: ServingRuntimeSpec
}

/** `ModelSpec`: a container (every field optional) plus the model's format, runtime and storage. */
export interface ModelSpec extends Partial<Container> {
  modelFormat: { name: string; version?: string }
  runtime?: string
  storageUri?: string
  runtimeVersion?: string
  protocolVersion?: Protocol
}

/** `ComponentExtensionSpec`, inlined in every component. */
interface ComponentExtension {
  minReplicas?: number
  maxReplicas?: number
  scaleTarget?: number
  scaleMetric?: 'cpu' | 'memory' | 'concurrency' | 'rps'
  containerConcurrency?: number
  timeout?: number
  canaryTrafficPercent?: number
  labels?: Record<string, string>
  annotations?: Record<string, string>
  deploymentStrategy?: DeploymentStrategy
}

export interface PredictorSpec extends ComponentExtension, Partial<PodSpec> {
  model?: ModelSpec
}

export interface InferenceService {
  apiVersion: 'serving.kserve.io/v1beta1'
  kind: 'InferenceService'
  metadata?: ObjectMeta
  spec: { predictor: PredictorSpec }
}
