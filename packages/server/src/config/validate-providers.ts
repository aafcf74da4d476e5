/** `providers:` — one entry per upstream, by name; `type` picks the protocol. */
import { type Issues, readHeaders, readMap, readNumber, readString, readUrl } from './config-fields.js'
import type { ProviderConfig, ProviderType } from './config-types.js'

export const providerTypes: readonly ProviderType[] = ['openai-compatible', 'anthropic', 'huggingface']
const providerName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

const fieldsOf: Record<ProviderType, readonly string[]> = {
  'openai-compatible': ['type', 'baseUrl', 'apiKey', 'headers'],
  anthropic: ['type', 'baseUrl', 'apiKey', 'version', 'maxTokens', 'headers'],
  huggingface: ['type', 'baseUrl', 'featureExtractionUrl', 'apiKey'],
}

function readProvider(value: unknown, path: string, issues: Issues): ProviderConfig | undefined {
  const fields = readMap(value, path, issues)
  if (!fields) return undefined
  const type = fields.type
  if (typeof type !== 'string' || !providerTypes.includes(type as ProviderType)) {
    issues.push(
      type === undefined
        ? `${path}.type: is required (one of ${providerTypes.join(', ')})`
        : `${path}.type: unknown provider type '${String(type)}' (one of ${providerTypes.join(', ')})`,
    )
    return undefined
  }
  readMap(fields, path, issues, fieldsOf[type as ProviderType])
  const headers = readHeaders(fields, 'headers', path, issues)
  switch (type as ProviderType) {
    case 'openai-compatible':
      return {
        type: 'openai-compatible',
        baseUrl: readUrl(fields, 'baseUrl', path, issues, true) ?? '',
        apiKey: readString(fields, 'apiKey', path, issues),
        headers,
      }
    case 'anthropic':
      return {
        type: 'anthropic',
        apiKey: readString(fields, 'apiKey', path, issues, { required: true }) ?? '',
        baseUrl: readUrl(fields, 'baseUrl', path, issues),
        version: readString(fields, 'version', path, issues),
        maxTokens: readNumber(fields, 'maxTokens', path, issues, { min: 1, integer: true }),
        headers,
      }
    case 'huggingface':
      return {
        type: 'huggingface',
        apiKey: readString(fields, 'apiKey', path, issues),
        baseUrl: readUrl(fields, 'baseUrl', path, issues),
        featureExtractionUrl: readUrl(fields, 'featureExtractionUrl', path, issues),
      }
  }
}

export function readProviders(value: unknown, issues: Issues): Record<string, ProviderConfig> {
  if (value === undefined) return {}
  const map = readMap(value, 'providers', issues)
  const providers: Record<string, ProviderConfig> = {}
  for (const [name, entry] of Object.entries(map ?? {})) {
    const path = `providers.${name}`
    if (name === 'local') issues.push(`${path}: 'local' is reserved for this server's own models`)
    else if (!providerName.test(name))
      issues.push(`${path}: a provider name uses letters, digits, '.', '_' or '-'`)
    const provider = readProvider(entry, path, issues)
    if (provider) providers[name] = provider
  }
  return providers
}
