/**
 * Checks responses against the contract: the JSON Schema of the documented response for that path,
 * method and status (or `default`), compiled by ajv from openapi/openapi.yaml.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import Ajv2020 from 'ajv/dist/2020.js'
import { parse } from 'yaml'

const interop = <T>(module: T): T => (module as { default?: T }).default ?? module

interface ResponseObject {
  $ref?: string
  content?: Record<string, { schema?: unknown }>
}
interface Contract {
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>
  components: { responses: Record<string, ResponseObject> }
}

export const contract = parse(
  readFileSync(fileURLToPath(new URL('../../../../openapi/openapi.yaml', import.meta.url)), 'utf8'),
) as Contract

const ajv = new (interop(Ajv2020))({ strict: false, allErrors: true })
ajv.addSchema(contract as object, 'contract')

const escapePointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1')

/** Asserts that `body` is what the contract documents for `method path` answering `status`. */
export function assertMatchesContract(method: string, path: string, status: number, body: unknown): void {
  const operation = contract.paths[path]?.[method.toLowerCase()]
  if (!operation) throw new Error(`The contract has no ${method} ${path}.`)
  const key = String(status) in operation.responses ? String(status) : 'default'
  const response = operation.responses[key]
  if (!response) throw new Error(`The contract documents no ${status} for ${method} ${path}.`)
  const pointer = response.$ref
    ? `${response.$ref.slice(1)}/content/application~1json/schema`
    : `/paths/${escapePointer(path)}/${method.toLowerCase()}/responses/${key}/content/application~1json/schema`
  const validate = ajv.getSchema(`contract#${pointer}`) ?? ajv.compile({ $ref: `contract#${pointer}` })
  if (!validate(body)) {
    throw new Error(
      `${method} ${path} ${status} does not match the contract: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`,
    )
  }
}
