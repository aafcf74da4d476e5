/**
 * `${NAME}` and `${NAME:-fallback}` in string values, from the environment; `$${` writes a literal `${`.
 * Interpolation runs on parsed values, not on the file's text, so a secret full of quotes or colons
 * cannot break the YAML. A variable that is not set is an error naming both the field and the variable.
 */

const referenceInText = /\$\$?\{[^}\n]*\}?/g
const placeholder = /MODELPORT_ENV_REFERENCE_(\d+)_/g

/**
 * Hides each `${…}` behind a placeholder that is a plain scalar anywhere, so YAML like
 * `{ apiKey: ${KEY} }` (a `{` inside a flow map) parses; `restoreReferences` puts them back after.
 */
export function protectReferences(text: string): { text: string; references: string[] } {
  const references: string[] = []
  const out = text.replace(
    referenceInText,
    (match) => `MODELPORT_ENV_REFERENCE_${references.push(match) - 1}_`,
  )
  return { text: out, references }
}

export function restoreReferences(value: unknown, references: readonly string[]): unknown {
  if (typeof value === 'string')
    return value.replace(placeholder, (_, index) => references[Number(index)] ?? '')
  if (Array.isArray(value)) return value.map((item) => restoreReferences(item, references))
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        restoreReferences(key, references),
        restoreReferences(item, references),
      ]),
    )
  }
  return value
}

const reference = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g

export type Environment = Record<string, string | undefined>

export function interpolateEnv(value: unknown, env: Environment, issues: string[], path = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(reference, (match, name: string | undefined, fallback: string | undefined) => {
      if (match === '$${') return '${'
      const found = env[name as string]
      if (found !== undefined && found !== '') return found
      if (fallback !== undefined) return fallback
      issues.push(`${path || '(root)'}: environment variable ${name} is not set`)
      return ''
    })
  }
  if (Array.isArray(value))
    return value.map((item, index) => interpolateEnv(item, env, issues, `${path}[${index}]`))
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        interpolateEnv(item, env, issues, path ? `${path}.${key}` : key),
      ]),
    )
  }
  return value
}
