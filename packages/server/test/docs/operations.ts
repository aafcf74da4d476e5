/** Every operation of openapi/openapi.yaml, with `$ref`s to components followed. */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export interface MediaType {
  example?: unknown
  examples?: Record<string, unknown>
}
export interface Body {
  $ref?: string
  content?: Record<string, MediaType>
}
export interface CodeSample {
  lang: string
  label?: string
  source: string
}
export interface Operation {
  operationId: string
  summary?: string
  requestBody?: Body
  responses: Record<string, Body>
  'x-codeSamples'?: CodeSample[]
}

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

export const contractPath = fileURLToPath(new URL('../../../../openapi/openapi.yaml', import.meta.url))
export const contract = parse(readFileSync(contractPath, 'utf8')) as {
  paths: Record<string, Partial<Record<(typeof methods)[number], Operation>>>
  components: Record<string, Record<string, unknown>>
}

/** `#/components/responses/X` → the object it names; anything else is returned as is. */
export function resolve(body: Body): Body {
  const match = body.$ref?.match(/^#\/components\/(\w+)\/(.+)$/)
  if (!match) return body
  const target = contract.components[match[1] as string]?.[match[2] as string] as Body | undefined
  if (!target) throw new Error(`Unresolved $ref ${body.$ref}`)
  return resolve(target)
}

export const operations = Object.entries(contract.paths).flatMap(([path, item]) =>
  methods.flatMap((method) => {
    const operation = item[method]
    return operation ? [{ path, method, operation }] : []
  }),
)
