/**
 * deploy/kubernetes, rendered as `kubectl apply -k` would render it: every object is valid against
 * the Kubernetes, KEDA and KServe schemas (a misspelt field fails, as a broken copy proves), and the
 * objects agree with each other and with the server: selectors select the pods, references resolve,
 * probes hit the Open Inference Protocol's health endpoints, the grace period covers the drain, the
 * autoscalers read metrics the server exports, and the config in the ConfigMap loads.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.js'
import { createPrometheusMetrics } from '../../src/observability/prometheus-metrics.js'
import {
  checkObjects,
  hasKubectl,
  type KubeObject,
  kubernetesFolder,
  renderKustomization,
} from './manifests.js'

const FOLDERS = ['base', 'overlays/production', 'overlays/production-keda', 'kserve'] as const
/** Resident memory of the production folder with the built-in models loaded (production-folder.test.ts). */
const MEASURED_RSS_MIB = 173

type Folder = (typeof FOLDERS)[number]
const rendered = new Map<Folder, KubeObject[]>()

// kubectl is no Debian package (CI installs none); without it these checks cannot render anything.
const kubectl = hasKubectl()
if (!kubectl) console.warn('kubernetes manifests: skipped, `kubectl` is not installed (it renders Kustomize)')

beforeAll(async () => {
  if (!kubectl) return
  const all = await Promise.all(FOLDERS.map((folder) => renderKustomization(join(kubernetesFolder, folder))))
  for (const [index, folder] of FOLDERS.entries()) rendered.set(folder, all[index] as KubeObject[])
}, 60_000)

// biome-ignore lint/suspicious/noExplicitAny: rendered YAML is read by path, as kubectl reads it
type Any = any
const objectsOf = (folder: Folder) => rendered.get(folder) as Any[]
const find = (objects: Any[], kind: string, name: string) =>
  objects.find((object) => object.kind === kind && object.metadata.name === name)
const server = (objects: Any[]) => find(objects, 'Deployment', 'modelport')
const container = (objects: Any[]) => server(objects).spec.template.spec.containers[0]
const envOf = (entry: Any) =>
  Object.fromEntries((entry.env ?? []).map((item: Any) => [item.name, item.value]))
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value)

/** `256Mi`, `1Gi`, `512M` in MiB. */
function mebibytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(quantity)
  if (!match) throw new Error(`not a memory quantity: ${quantity}`)
  const factor = { Ki: 1 / 1024, Mi: 1, Gi: 1024, K: 1000 / 2 ** 20, M: 1e6 / 2 ** 20, G: 1e9 / 2 ** 20 }
  return Number(match[1]) * (match[2] ? factor[match[2] as keyof typeof factor] : 1 / 2 ** 20)
}

/** The names of every metric the server exports (with every source present). */
async function exportedMetricNames(): Promise<Set<string>> {
  const metrics = createPrometheusMetrics({ sources: { inFlight: () => 1, queues: () => [] } })
  const { body } = await metrics.render()
  return new Set([...body.matchAll(/^# TYPE (\S+)/gm)].map((match) => match[1] as string))
}

describe.runIf(kubectl)('every folder under deploy/kubernetes', () => {
  it.each(FOLDERS)('%s renders, and every object is valid against its schema', (folder) => {
    expect(objectsOf(folder).length).toBeGreaterThan(0)
    expect(checkObjects(rendered.get(folder) as KubeObject[])).toEqual([])
  })
})

describe.runIf(kubectl)('a misspelt or mistyped field', () => {
  let copy: string
  beforeAll(async () => {
    copy = await mkdtemp(join(tmpdir(), 'modelport-kubernetes-'))
    await cp(kubernetesFolder, copy, { recursive: true })
  })
  afterAll(() => rm(copy, { recursive: true, force: true }))

  it('in a broken copy of the base fails the check of the overlay that uses it', async () => {
    const file = join(copy, 'base/deployment.yaml')
    const text = await readFile(file, 'utf8')
    const broken = text.replace('            periodSeconds: 5\n', '            periodSecond: 5\n')
    expect(broken).not.toBe(text)
    await writeFile(file, broken)
    const problems = checkObjects(await renderKustomization(join(copy, 'overlays/production')))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^Deployment\/modelport: .*'"periodSecond"' does not exist in type 'IProbe'/)
  })

  it.each([
    [
      'a ScaledObject',
      'overlays/production-keda',
      'ScaledObject',
      (o: Any) => rename(o.spec, 'minReplicaCount', 'minReplicasCount'),
    ],
    [
      'an HPA',
      'overlays/production',
      'HorizontalPodAutoscaler',
      (o: Any) => rename(o.spec, 'maxReplicas', 'maxReplica'),
    ],
    [
      'a ServingRuntime',
      'kserve',
      'ServingRuntime',
      (o: Any) => rename(o.spec, 'protocolVersions', 'protocolVersion'),
    ],
    [
      'an InferenceService',
      'kserve',
      'InferenceService',
      (o: Any) => rename(o.spec.predictor.model, 'storageUri', 'storageURI'),
    ],
    ['a Service', 'base', 'Service', (o: Any) => rename(o.spec.ports[0], 'targetPort', 'targetport')],
  ] as const)('in %s fails the check', (_name, folder, kind, breakIt) => {
    const objects = structuredClone(rendered.get(folder) as KubeObject[])
    const misspelt = breakIt(objects.find((object) => object.kind === kind))
    const problems = checkObjects(objects)
    // A required field misspelt is reported twice: missing, and unknown.
    expect(problems.length).toBeGreaterThanOrEqual(1)
    for (const problem of problems) expect(problem.startsWith(`${kind}/`)).toBe(true)
    expect(problems.some((problem) => problem.includes(`'"${misspelt}"' does not exist`))).toBe(true)
  })

  it('of the wrong type fails the schema check at run time too', () => {
    const objects = structuredClone(rendered.get('base') as KubeObject[]) as Any[]
    server(objects).spec.replicas = 'two'
    expect(
      checkObjects(objects).some((problem) =>
        /Deployment\/modelport: .*replicas must be integer/.test(problem),
      ),
    ).toBe(true)
  })
})

/** Renames a field that is there; returns the new name. */
function rename(object: Record<string, unknown>, from: string, to: string): string {
  expect(object[from]).toBeDefined()
  object[to] = object[from]
  delete object[from]
  return to
}

describe.runIf(kubectl)('the server Deployment', () => {
  it.each(FOLDERS.filter((folder) => folder !== 'kserve'))(
    'in %s: probes on the health endpoints, a grace period covering the drain',
    (folder) => {
      const objects = objectsOf(folder)
      const main = container(objects)
      expect(main.readinessProbe.httpGet).toEqual({ path: '/v2/health/ready', port: 'http' })
      expect(main.livenessProbe.httpGet).toEqual({ path: '/v2/health/live', port: 'http' })
      expect(main.ports.map((port: Any) => port.name)).toContain('http')
      const env = envOf(main)
      const [sleep, seconds] = main.lifecycle.preStop.exec.command
      expect(sleep).toBe('sleep')
      const drainSeconds =
        (Number(env.MODELPORT_SHUTDOWN_DELAY_MS) + Number(env.MODELPORT_SHUTDOWN_GRACE_MS)) / 1000
      // The kubelet counts preStop inside the grace period; what is left must cover the whole drain.
      expect(server(objects).spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(
        Number(seconds) + drainSeconds,
      )
      expect(mebibytes(main.resources.requests.memory)).toBeGreaterThanOrEqual(MEASURED_RSS_MIB)
      expect(mebibytes(main.resources.limits.memory)).toBeGreaterThan(
        mebibytes(main.resources.requests.memory),
      )
      expect(server(objects).spec.template.spec.securityContext.runAsNonRoot).toBe(true)
    },
  )

  it.each(FOLDERS.filter((folder) => folder !== 'kserve'))(
    'in %s: the Service and the PDB select its pods, and every reference resolves',
    (folder) => {
      const objects = objectsOf(folder)
      const labels = server(objects).spec.template.metadata.labels
      expect(selects(find(objects, 'Service', 'modelport').spec.selector, labels)).toBe(true)
      expect(
        selects(find(objects, 'PodDisruptionBudget', 'modelport').spec.selector.matchLabels, labels),
      ).toBe(true)
      expect(selects(server(objects).spec.selector.matchLabels, labels)).toBe(true)
      const spec = server(objects).spec.template.spec
      for (const volume of spec.volumes.filter((item: Any) => item.configMap))
        expect(find(objects, 'ConfigMap', volume.configMap.name), volume.configMap.name).toBeDefined()
      for (const { secretRef } of container(objects).envFrom) {
        // The base leaves the Secrets to the overlays (or to a secret manager): there they are optional.
        if (folder === 'base') expect(secretRef.optional).toBe(true)
        else expect(find(objects, 'Secret', secretRef.name), secretRef.name).toBeDefined()
      }
    },
  )

  it.each(FOLDERS.filter((folder) => folder !== 'kserve'))(
    'in %s: the config in its ConfigMap loads, with the secrets its overlay provides',
    (folder) => {
      const objects = objectsOf(folder)
      const volume = server(objects).spec.template.spec.volumes.find((item: Any) => item.name === 'config')
      const text = find(objects, 'ConfigMap', volume.configMap.name).data['modelport.yaml']
      const secrets = objects.filter((object) => object.kind === 'Secret')
      const env = Object.fromEntries(
        secrets.flatMap((secret) =>
          Object.entries(secret.data as Record<string, string>).map(([key, value]) => [
            key,
            Buffer.from(value, 'base64').toString(),
          ]),
        ),
      )
      const config = loadConfig(text, { source: 'modelport.yaml', env })
      if (folder !== 'base') {
        expect(Object.keys(config.routes)).toContain('chat-default')
        expect(config.auth?.keys.map((key) => key.name)).toEqual(['app', 'admin'])
        // Scraped by Prometheus, which holds no API key.
        expect(config.auth?.publicMetrics).toBe(true)
      }
    },
  )

  it.each(['overlays/production', 'overlays/production-keda'] as const)(
    'in %s: shares limits in the Redis it deploys',
    (folder) => {
      const objects = objectsOf(folder)
      const url = new URL(envOf(container(objects)).MODELPORT_REDIS_URL)
      const redis = find(objects, 'Service', url.hostname)
      expect(redis.spec.ports.map((port: Any) => port.port)).toContain(Number(url.port))
      const redisPods = find(objects, 'Deployment', url.hostname).spec.template.metadata.labels
      expect(selects(redis.spec.selector, redisPods)).toBe(true)
      // The server's selector must not take the Redis pods in.
      expect(selects(find(objects, 'Service', 'modelport').spec.selector, redisPods)).toBe(false)
    },
  )
})

describe.runIf(kubectl)('autoscaling', () => {
  it('the HPA scales the server on a metric the server exports', async () => {
    const objects = objectsOf('overlays/production')
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'modelport')
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'modelport' })
    const exported = await exportedMetricNames()
    const podMetrics = hpa.spec.metrics.filter((metric: Any) => metric.type === 'Pods')
    expect(podMetrics.map((metric: Any) => metric.pods.metric.name)).toEqual(['modelport_requests_in_flight'])
    for (const metric of podMetrics) expect(exported).toContain(metric.pods.metric.name)
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2)
  })

  it('the ScaledObject scales the server on queries of metrics the server exports', async () => {
    const objects = objectsOf('overlays/production-keda')
    expect(find(objects, 'HorizontalPodAutoscaler', 'modelport')).toBeUndefined()
    const scaled = find(objects, 'ScaledObject', 'modelport')
    expect(find(objects, 'Deployment', scaled.spec.scaleTargetRef.name)).toBeDefined()
    const exported = await exportedMetricNames()
    const names = scaled.spec.triggers.flatMap((trigger: Any) =>
      [...trigger.metadata.query.matchAll(/modelport_[a-z_]+/g)].map((m) => m[0]),
    )
    expect(new Set(names)).toEqual(new Set(['modelport_requests_in_flight', 'modelport_batch_queue_depth']))
    for (const name of names) expect(exported).toContain(name)
  })
})

describe.runIf(kubectl)('KServe', () => {
  it('the ServingRuntime serves onnx over protocol v2 from /mnt/models, where the storage initializer writes', () => {
    const runtime = find(objectsOf('kserve'), 'ServingRuntime', 'modelport')
    expect(runtime.spec.supportedModelFormats).toContainEqual(
      expect.objectContaining({ name: 'onnx', autoSelect: true }),
    )
    expect(runtime.spec.protocolVersions).toEqual(['v2'])
    const [main] = runtime.spec.containers
    // KServe mounts the downloaded model into the container named kserve-container.
    expect(main.name).toBe('kserve-container')
    expect(envOf(main).MODELPORT_MODELS).toBe('/mnt/models')
    expect(main.readinessProbe.httpGet.path).toBe('/v2/health/ready')
    expect(main.ports[0].containerPort).toBe(Number(envOf(main).PORT))
  })

  it('the InferenceService uses that runtime, with a format and protocol it supports', () => {
    const objects = objectsOf('kserve')
    const { model } = find(objects, 'InferenceService', 'simplenet').spec.predictor
    const runtime = find(objects, 'ServingRuntime', model.runtime)
    expect(runtime).toBeDefined()
    expect(runtime.spec.supportedModelFormats.map((format: Any) => format.name)).toContain(
      model.modelFormat.name,
    )
    expect(runtime.spec.protocolVersions).toContain(model.protocolVersion)
    expect(model.storageUri).toMatch(/^(s3|gs|pvc|https):\/\//)
  })
})
