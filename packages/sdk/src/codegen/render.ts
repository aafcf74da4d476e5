/**
 * Writes the TypeScript source of typed model functions from model metadata: one interface for each
 * model's inputs and outputs, their signatures, and `createModels(client)`.
 */
import type { components } from '../generated/openapi.js'

type Schemas = components['schemas']

/** A model the server serves, with its Open Inference Protocol metadata. */
export interface DeployedModel {
  model: Schemas['Model']
  metadata: Schemas['ModelMetadata']
}

export interface RenderOptions {
  /** Where the models were read from, for the header comment. */
  source?: string
  /** The module to import the SDK from (default `@modelport/sdk`). */
  sdkImport?: string
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** A property key: bare when it is an identifier, quoted otherwise. */
const key = (name: string) => (identifier.test(name) ? name : JSON.stringify(name))

const words = (name: string) => name.split(/[^A-Za-z0-9]+/).filter(Boolean)
const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1)

/** `ppocr-v4-det` → `ppocrV4Det`. */
export function camelCase(name: string): string {
  const [first = '', ...rest] = words(name)
  return first.charAt(0).toLowerCase() + first.slice(1) + rest.map(capitalize).join('')
}

/** A declared shape as a tuple type: `[-1, 10]` → `[number, 10]`. */
export const shapeType = (shape: number[]) =>
  `[${shape.map((d) => (d < 0 ? 'number' : String(d))).join(', ')}]`

const describeTensor = (t: Schemas['TensorMetadata']) => `${t.datatype} [${t.shape.join(', ')}]`

/** Text from the server made safe inside a comment: names in ONNX files may hold anything. */
const comment = (text: string) => text.replace(/\*\//g, '*\\/').replace(/[\r\n]+/g, ' ')

/** Picks unique names: `want` as is, else with a number appended. */
function unique(taken: Set<string>, want: string): string {
  let name = want
  for (let n = 2; taken.has(name); n++) name = `${want}${n}`
  taken.add(name)
  return name
}

/** The source of a module with typed functions for `models`. Deterministic: same models, same text. */
export function renderModels(models: DeployedModel[], options: RenderOptions = {}): string {
  const sdk = options.sdkImport ?? '@modelport/sdk'
  const sorted = [...models].sort((a, b) => (a.model.id < b.model.id ? -1 : a.model.id > b.model.id ? 1 : 0))
  // A name that is an identifier keeps it; others are camel-cased when that is free, else quoted.
  const keys = new Set(sorted.map(({ model }) => model.id).filter((id) => identifier.test(id)))
  const types = new Set<string>(['Models'])
  const declarations: string[] = []
  const members: string[] = []
  const signatures: string[] = []

  for (const { model, metadata } of sorted) {
    const camel = camelCase(model.id)
    let property = model.id
    if (!identifier.test(property) && identifier.test(camel) && !keys.has(camel)) {
      property = camel
      keys.add(camel)
    }
    const type = unique(types, /^[A-Za-z]/.test(camel) ? capitalize(camel) : `Model${capitalize(camel)}`)
    const summary = comment(
      `${model.id}: ${metadata.inputs.map((i) => `${i.name} ${describeTensor(i)}`).join(', ')} → ${metadata.outputs
        .map((o) => `${o.name} ${describeTensor(o)}`)
        .join(', ')}`,
    )
    const inputs = metadata.inputs.map((input) => {
      // A bare array works out its shape only with at most one dynamic dimension.
      const bare = input.shape.filter((d) => d < 0).length <= 1
      const generic = `<'${input.datatype}', ${shapeType(input.shape)}>`
      return `  /** ${describeTensor(input)} */\n  ${key(input.name)}: ${bare ? 'ModelInput' : 'ShapedInput'}${generic}`
    })
    const outputs = metadata.outputs.map(
      (output) =>
        `  /** ${describeTensor(output)} */\n  ${key(output.name)}: Tensor<'${output.datatype}', ${shapeType(output.shape)}>`,
    )
    declarations.push(
      `/** Inputs of ${comment(model.id)} (${model.task}). */\nexport interface ${type}Inputs {\n${inputs.join('\n')}\n}`,
      `/** Outputs of ${comment(model.id)}. */\nexport interface ${type}Outputs {\n${outputs.join('\n')}\n}`,
    )
    const versions = metadata.versions.length
      ? metadata.versions.map((v) => JSON.stringify(v)).join(' | ')
      : 'string'
    members.push(
      `  /** ${summary} */\n  ${key(property)}: ModelFunction<${type}Inputs, ${type}Outputs, ${versions}>`,
    )
    const declared = metadata.inputs
      .map((input) => `${key(input.name)}: [${JSON.stringify(input.datatype)}, [${input.shape.join(', ')}]]`)
      .join(', ')
    signatures.push(
      `  ${key(property)}: { name: ${JSON.stringify(model.id)}, inputs: {${declared && ` ${declared} `}} },`,
    )
  }

  const from = options.source ? ` from ${comment(options.source)}` : ''
  const body = `${declarations.join('\n\n')}\n${members.join('\n')}`
  // Only what the file uses, so a strict `noUnusedLocals` accepts it.
  const used = ['ModelFunction', 'ModelInput', 'ShapedInput', 'Tensor'].filter((name) =>
    body.includes(`${name}<`),
  )
  const imports = ['bindModels', 'type Infers', 'type ModelSignature', ...used.map((name) => `type ${name}`)]
  return `// Generated by modelport-gen-client${from}. Do not edit: run it again when the deployed models change.
import { ${imports.join(', ')} } from ${JSON.stringify(sdk)}

${declarations.join('\n\n')}

/** One function per deployed model. */
export interface Models {
${members.join('\n')}
}

/** Each model's name on the server and its inputs' declared datatypes and shapes. */
export const signatures: Record<keyof Models, ModelSignature> = {
${signatures.join('\n')}
}

/**
 * Typed functions for the deployed models.
 * @example
 * const models = createModels(createModelport({ baseUrl }))
 */
export function createModels(client: Infers): Models {
  return bindModels<Models>(client, signatures)
}
`
}
