/**
 * Renders Kustomize folders with `kubectl kustomize` and checks every object they hold, twice:
 * against the Kubernetes (and KEDA) schemas of `kubernetes-models` at run time (types, formats,
 * required fields), and through the TypeScript compiler against the same models' types, which, unlike
 * those schemas, refuse a field that does not exist. KServe objects are checked against
 * `kserve-types.ts`.
 */
import { execFile, execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1'
import { Deployment } from 'kubernetes-models/apps/v1'
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1'
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1'
import ts from 'typescript'
import { parseAllDocuments } from 'yaml'

const run = promisify(execFile)

export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; [field: string]: unknown }
  [field: string]: unknown
}

interface Kind {
  /** Validates at run time (kubernetes-models); absent for KServe, which has no such model. */
  validate?: (object: KubeObject) => void
  /** The TypeScript type and where it comes from, relative to this folder. */
  type: string
  from: string
}

type Model = new (data: never) => { validate(): void }
const validator = (model: Model) => (object: KubeObject) => new model(object as never).validate()

const kinds: Record<string, Kind> = {
  'v1/Namespace': { validate: validator(Namespace), type: 'INamespace', from: 'kubernetes-models/v1' },
  'v1/ConfigMap': { validate: validator(ConfigMap), type: 'IConfigMap', from: 'kubernetes-models/v1' },
  'v1/Secret': { validate: validator(Secret), type: 'ISecret', from: 'kubernetes-models/v1' },
  'v1/Service': { validate: validator(Service), type: 'IService', from: 'kubernetes-models/v1' },
  'apps/v1/Deployment': {
    validate: validator(Deployment),
    type: 'IDeployment',
    from: 'kubernetes-models/apps/v1',
  },
  'policy/v1/PodDisruptionBudget': {
    validate: validator(PodDisruptionBudget),
    type: 'IPodDisruptionBudget',
    from: 'kubernetes-models/policy/v1',
  },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    validate: validator(HorizontalPodAutoscaler),
    type: 'IHorizontalPodAutoscaler',
    from: 'kubernetes-models/autoscaling/v2',
  },
  'keda.sh/v1alpha1/ScaledObject': {
    validate: validator(ScaledObject),
    type: 'IScaledObject',
    from: '@kubernetes-models/keda/keda.sh/v1alpha1',
  },
  'serving.kserve.io/v1alpha1/ServingRuntime': { type: 'ServingRuntime', from: './kserve-types.js' },
  'serving.kserve.io/v1beta1/InferenceService': { type: 'InferenceService', from: './kserve-types.js' },
}

export const kubernetesFolder = fileURLToPath(new URL('../../../../deploy/kubernetes/', import.meta.url))

export function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** `kubectl kustomize folder`, parsed. */
export async function renderKustomization(folder: string): Promise<KubeObject[]> {
  const { stdout } = await run('kubectl', ['kustomize', folder], { maxBuffer: 16 * 1024 * 1024 })
  return parseAllDocuments(stdout).map((document) => {
    if (document.errors.length > 0) throw new Error(`${folder}: ${document.errors[0]?.message}`)
    return document.toJSON() as KubeObject
  })
}

/**
 * Kustomize folds long base64 values of a Secret over several lines; the API server's decoder skips
 * line breaks, the "byte" format of the schema does not.
 */
function unfolded(object: KubeObject): KubeObject {
  if (object.kind !== 'Secret' || typeof object.data !== 'object' || object.data === null) return object
  const data = Object.entries(object.data).map(([key, value]) => [key, String(value).replace(/\s+/g, '')])
  return { ...object, data: Object.fromEntries(data) }
}

const describe = (object: KubeObject) => `${object.kind}/${object.metadata?.name}`

/** Every problem of every object, as `Kind/name: message` lines; none when all are valid. */
export function checkObjects(objects: KubeObject[]): string[] {
  const problems: string[] = []
  const typed: { index: number; kind: Kind }[] = []
  for (const [index, object] of objects.entries()) {
    const kind = kinds[`${object.apiVersion}/${object.kind}`]
    if (!kind) {
      problems.push(`${describe(object)}: no schema known for ${object.apiVersion} ${object.kind}`)
      continue
    }
    typed.push({ index, kind })
    try {
      kind.validate?.(unfolded(object))
    } catch (error) {
      problems.push(`${describe(object)}: ${(error as Error).message}`)
    }
  }
  return [...problems, ...typeCheck(objects, typed)]
}

/**
 * One TypeScript file, `const object<i>: <Type> = <JSON>` per object, compiled in memory: an object
 * literal may not hold a property its type lacks, at any depth, so a misspelt field is an error.
 */
function typeCheck(objects: KubeObject[], typed: { index: number; kind: Kind }[]): string[] {
  const imports = new Map<string, Set<string>>()
  for (const { kind } of typed) imports.set(kind.from, (imports.get(kind.from) ?? new Set()).add(kind.type))
  const lines = [...imports].map(([from, types]) => `import type { ${[...types].join(', ')} } from '${from}'`)
  const startLines: { line: number; index: number }[] = []
  let lineCount = lines.length
  for (const { index, kind } of typed) {
    startLines.push({ line: lineCount, index })
    const declaration = `export const object${index}: ${kind.type} = ${JSON.stringify(objects[index], null, 1)}`
    lines.push(declaration)
    lineCount += declaration.split('\n').length
  }
  const file = join(dirname(fileURLToPath(import.meta.url)), '__rendered-manifests__.ts')
  const source = lines.join('\n')
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  }
  const host = ts.createCompilerHost(options)
  const read = host.readFile.bind(host)
  const exists = host.fileExists.bind(host)
  const getSourceFile = host.getSourceFile.bind(host)
  host.readFile = (name) => (name === file ? source : read(name))
  host.fileExists = (name) => name === file || exists(name)
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest)
  const program = ts.createProgram([file], options, host)
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
    if (diagnostic.file?.fileName !== file || diagnostic.start === undefined) return `TypeScript: ${message}`
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
    const owner = startLines.filter((start) => start.line <= line).at(-1)
    const object = owner ? objects[owner.index] : undefined
    return `${object ? describe(object) : 'imports'}: ${message}`
  })
}
