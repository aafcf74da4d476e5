/**
 * Small readers for untrusted config values: each checks one field and records an issue that names
 * its path (`routes.chat-default.targets[1].provider: …`). Values are not echoed (they may be keys).
 */

export type Issues = string[]
type Fields = Record<string, unknown>

const describe = (value: unknown) =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'a list'
      : typeof value === 'object'
        ? 'a map'
        : `a ${typeof value}`

/** A map with only the `allowed` keys; unknown keys are reported (typos such as `apikey`). */
export function readMap(
  value: unknown,
  path: string,
  issues: Issues,
  allowed?: readonly string[],
): Fields | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    issues.push(`${path}: must be a map, got ${describe(value)}`)
    return undefined
  }
  if (allowed) {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key))
        issues.push(`${path}.${key}: unknown field (expected one of: ${allowed.join(', ')})`)
    }
  }
  return value as Fields
}

export function readString(
  fields: Fields,
  key: string,
  path: string,
  issues: Issues,
  options: { required?: boolean } = {},
): string | undefined {
  const value = fields[key]
  if (value === undefined) {
    if (options.required) issues.push(`${path}.${key}: is required`)
    return undefined
  }
  if (typeof value !== 'string' || value === '') {
    issues.push(
      `${path}.${key}: must be a non-empty string, got ${value === '' ? 'an empty string' : describe(value)}`,
    )
    return undefined
  }
  return value
}

export function readNumber(
  fields: Fields,
  key: string,
  path: string,
  issues: Issues,
  options: { min?: number; integer?: boolean } = {},
): number | undefined {
  const value = fields[key]
  if (value === undefined) return undefined
  const min = options.min ?? 0
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    (options.integer && !Number.isInteger(value))
  ) {
    issues.push(`${path}.${key}: must be ${options.integer ? 'an integer' : 'a number'} ≥ ${min}`)
    return undefined
  }
  return value
}

export function readChoice<T extends string>(
  fields: Fields,
  key: string,
  path: string,
  issues: Issues,
  choices: readonly T[],
): T | undefined {
  const value = fields[key]
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !choices.includes(value as T)) {
    issues.push(`${path}.${key}: must be one of ${choices.join(', ')}`)
    return undefined
  }
  return value as T
}

export function readUrl(
  fields: Fields,
  key: string,
  path: string,
  issues: Issues,
  required = false,
): string | undefined {
  const value = readString(fields, key, path, issues, { required })
  if (value === undefined) return undefined
  try {
    const url = new URL(value)
    if (url.protocol === 'http:' || url.protocol === 'https:') return value
  } catch {
    // Reported below.
  }
  issues.push(`${path}.${key}: must be an http(s) URL`)
  return undefined
}

export function readHeaders(
  fields: Fields,
  key: string,
  path: string,
  issues: Issues,
): Record<string, string> | undefined {
  if (fields[key] === undefined) return undefined
  const map = readMap(fields[key], `${path}.${key}`, issues)
  if (!map) return undefined
  for (const [name, value] of Object.entries(map)) {
    if (typeof value !== 'string') issues.push(`${path}.${key}.${name}: must be a string`)
  }
  return map as Record<string, string>
}
