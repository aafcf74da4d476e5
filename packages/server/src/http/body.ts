/**
 * Reads a JSON body and checks it against the contract's schema (validators generated from it).
 */
import type { Context } from 'hono'
import { checkArrayLengths } from '../config/request-limits.js'
import { badRequest } from '../core/errors.js'
import type { Validator } from '../generated/validators.js'

function where(instancePath: string): string {
  const path = instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
  return path ? `body${path}` : 'body'
}

export async function readJson<T>(c: Context, validate: Validator): Promise<T> {
  let body: unknown
  try {
    body = await c.req.json()
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'it could not be read'
    throw badRequest('invalid_json', `The request body is not valid JSON: ${reason}.`)
  }
  // Before the schema, so an oversized list is refused without validating every item.
  checkArrayLengths(body, c.get('maxArrayLength'))
  return checkBody<T>(body, validate)
}

/** Checks parsed JSON against a contract schema; the 400 names the first field that is wrong. */
export function checkBody<T>(body: unknown, validate: Validator): T {
  if (!validate(body)) {
    const first = validate.errors?.[0]
    const detail = first?.params.allowedValues
      ? `${first.message}: ${(first.params.allowedValues as unknown[]).join(', ')}`
      : first?.params.missingProperty
        ? `must have '${first.params.missingProperty}'`
        : first?.message
    throw badRequest('invalid_request', `${where(first?.instancePath ?? '')} ${detail ?? 'is not valid'}.`)
  }
  return body as T
}
