/**
 * `auth:` — API keys, stored as their SHA-256 (never the key), each with optional requests- and
 * tokens-per-minute limits and `admin: true` for keys that may load and unload models; `rpm`/`tpm`
 * beside `keys` are the defaults for keys that set none, `MODELPORT_API_KEYS` ones included.
 */
import type { ApiKey } from './api-keys.js'
import { type Issues, readMap, readNumber, readString } from './config-fields.js'
import type { AuthConfig } from './config-types.js'

const authFields = ['keys', 'rpm', 'tpm', 'publicMetrics'] as const
const keyFields = ['name', 'sha256', 'rpm', 'tpm', 'admin'] as const
const keyName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
const sha256 = /^[0-9a-fA-F]{64}$/

export const defaultAuth: AuthConfig = { keys: [], publicMetrics: false }

const perMinute = (fields: Record<string, unknown>, key: 'rpm' | 'tpm', path: string, issues: Issues) =>
  readNumber(fields, key, path, issues, { min: 1, integer: true })

function readKey(value: unknown, path: string, issues: Issues, defaults: Pick<ApiKey, 'rpm' | 'tpm'>) {
  const fields = readMap(value, path, issues)
  if (!fields) return undefined
  if ('key' in fields) {
    issues.push(`${path}.key: keys are stored hashed; put the output of \`modelport hash-key\` in sha256`)
    delete fields.key
  }
  readMap(fields, path, issues, keyFields)
  const name = readString(fields, 'name', path, issues, { required: true })
  if (name !== undefined && !keyName.test(name))
    issues.push(`${path}.name: a key name uses letters, digits, '.', '_' or '-' (at most 64)`)
  const hash = readString(fields, 'sha256', path, issues, { required: true })
  if (hash !== undefined && !sha256.test(hash))
    issues.push(`${path}.sha256: must be 64 hexadecimal digits (\`modelport hash-key\` prints them)`)
  const admin = fields.admin ?? false
  if (typeof admin !== 'boolean') issues.push(`${path}.admin: must be true or false`)
  const key: ApiKey = {
    name: name ?? '',
    sha256: (hash ?? '').toLowerCase(),
    rpm: perMinute(fields, 'rpm', path, issues) ?? defaults.rpm,
    tpm: perMinute(fields, 'tpm', path, issues) ?? defaults.tpm,
    ...(admin === true && { admin: true }),
  }
  return key
}

export function readAuth(value: unknown, issues: Issues): AuthConfig {
  if (value === undefined) return defaultAuth
  const fields = readMap(value, 'auth', issues, authFields)
  if (!fields) return defaultAuth
  const rpm = perMinute(fields, 'rpm', 'auth', issues)
  const tpm = perMinute(fields, 'tpm', 'auth', issues)
  const publicMetrics = fields.publicMetrics ?? false
  if (typeof publicMetrics !== 'boolean') issues.push('auth.publicMetrics: must be true or false')
  const keys: ApiKey[] = []
  if (fields.keys !== undefined && !Array.isArray(fields.keys)) issues.push('auth.keys: must be a list')
  const list = Array.isArray(fields.keys) ? fields.keys : []
  list.forEach((entry, index) => {
    const key = readKey(entry, `auth.keys[${index}]`, issues, { rpm, tpm })
    if (!key) return
    if (keys.some((other) => other.name === key.name))
      issues.push(`auth.keys[${index}].name: '${key.name}' is used by another key`)
    if (keys.some((other) => other.sha256 === key.sha256) && key.sha256)
      issues.push(`auth.keys[${index}].sha256: the same key is listed twice`)
    keys.push(key)
  })
  return { keys, rpm, tpm, publicMetrics: publicMetrics === true }
}
