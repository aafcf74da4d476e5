/**
 * Checks a value against a JSON Schema, for the keywords `json-schema.ts` types (and the length, range
 * and size bounds); other keywords are not checked. Returns the problems, empty when it matches.
 */
import type { JsonSchema, JsonType } from './json-schema.js'

const typeOf = (value: unknown): JsonType =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : typeof value === 'number'
        ? Number.isInteger(value)
          ? 'integer'
          : 'number'
        : (typeof value as JsonType)

const matchesType = (value: unknown, type: JsonType) =>
  type === typeOf(value) || (type === 'number' && typeOf(value) === 'integer')

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

export function validate(value: unknown, schema: JsonSchema, path = '$'): string[] {
  if (schema === true) return []
  if (schema === false) return [`${path}: no value is allowed here`]
  const problems: string[] = []
  const fail = (message: string) => problems.push(`${path}: ${message}`)
  if (schema.const !== undefined && !same(value, schema.const))
    fail(`must be ${JSON.stringify(schema.const)}`)
  if (schema.enum && !schema.enum.some((option) => same(option, value)))
    fail(`must be one of ${JSON.stringify(schema.enum)}`)
  if (schema.anyOf && !schema.anyOf.some((option) => validate(value, option, path).length === 0))
    fail('matches none of anyOf')
  if (schema.type !== undefined) {
    const types = (Array.isArray(schema.type) ? schema.type : [schema.type]) as JsonType[]
    if (!types.some((type) => matchesType(value, type))) {
      fail(`must be of type ${types.join(' or ')}, not ${typeOf(value)}`)
      return problems
    }
  }
  if (typeof value === 'string') {
    const length = [...value].length
    if (schema.minLength !== undefined && length < schema.minLength)
      fail(`is shorter than ${schema.minLength}`)
    if (schema.maxLength !== undefined && length > schema.maxLength)
      fail(`is longer than ${schema.maxLength}`)
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) fail(`is below ${schema.minimum}`)
    if (schema.maximum !== undefined && value > schema.maximum) fail(`is above ${schema.maximum}`)
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      fail(`must be above ${schema.exclusiveMinimum}`)
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
      fail(`must be below ${schema.exclusiveMaximum}`)
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      fail(`has fewer than ${schema.minItems} items`)
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      fail(`has more than ${schema.maxItems} items`)
    if (schema.items !== undefined)
      for (const [index, item] of value.entries())
        problems.push(...validate(item, schema.items as JsonSchema, `${path}[${index}]`))
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>
    for (const name of schema.required ?? []) if (!(name in object)) fail(`misses '${name}'`)
    const properties = schema.properties ?? {}
    for (const [name, item] of Object.entries(object)) {
      const own = properties[name]
      const at = `${path}.${name}`
      if (own !== undefined) problems.push(...validate(item, own, at))
      else if (schema.additionalProperties !== undefined)
        problems.push(...validate(item, schema.additionalProperties, at))
    }
  }
  return problems
}
