/**
 * Reads a config: YAML or JSON text (by file extension, else by content), `${ENV}` interpolation,
 * then validation with defaults filled in. Every problem is collected and thrown as one `ConfigError`.
 */
import { parse as parseYaml } from 'yaml'
import type { LocalChat } from '../core/local-chat.js'
import type { LocalEmbeddings } from '../core/local-embeddings.js'
import { ConfigError } from './config-error.js'
import { type Issues, readMap, readNumber } from './config-fields.js'
import { defaultHttp, defaultRouting, type HttpConfig, type ModelportConfig } from './config-types.js'
import { type Environment, interpolateEnv, protectReferences, restoreReferences } from './interpolate-env.js'
import { readAuth } from './validate-auth.js'
import { readLimits } from './validate-limits.js'
import { readProviders } from './validate-providers.js'
import { readRetry, readRoutes } from './validate-routes.js'

export interface LoadConfigOptions {
  /** The file name, for messages and to pick the format (`.json` → JSON, else YAML). */
  source?: string
  env?: Environment
  /** Checks `local` targets against the models this server has. */
  localEmbeddings?: LocalEmbeddings
  /** Checks `local` targets of chat routes against the chat models this server has. */
  localChat?: Pick<LocalChat, 'has'>
}

function parseText(text: string, source: string | undefined): unknown {
  const json = source ? /\.json$/i.test(source) : text.trimStart().startsWith('{')
  const hidden = protectReferences(text)
  try {
    return restoreReferences(json ? JSON.parse(hidden.text) : parseYaml(hidden.text), hidden.references)
  } catch (error) {
    throw new ConfigError([`not valid ${json ? 'JSON' : 'YAML'}: ${(error as Error).message}`], source)
  }
}

function readRouting(value: unknown, issues: Issues): ModelportConfig['routing'] {
  if (value === undefined) return defaultRouting
  const fields = readMap(value, 'routing', issues, ['deadlineMs', 'retry', 'circuitBreaker'])
  if (!fields) return defaultRouting
  const breaker =
    fields.circuitBreaker === undefined
      ? {}
      : readMap(fields.circuitBreaker, 'routing.circuitBreaker', issues, ['failureThreshold', 'cooldownMs'])
  const defaults = defaultRouting.circuitBreaker
  return {
    deadlineMs: readNumber(fields, 'deadlineMs', 'routing', issues, { min: 1 }) ?? defaultRouting.deadlineMs,
    retry: readRetry(fields.retry, 'routing.retry', issues, defaultRouting.retry),
    circuitBreaker: {
      failureThreshold:
        readNumber(breaker ?? {}, 'failureThreshold', 'routing.circuitBreaker', issues, {
          min: 1,
          integer: true,
        }) ?? defaults.failureThreshold,
      cooldownMs:
        readNumber(breaker ?? {}, 'cooldownMs', 'routing.circuitBreaker', issues) ?? defaults.cooldownMs,
    },
  }
}

function readHttp(value: unknown, issues: Issues): HttpConfig {
  if (value === undefined) return defaultHttp
  const keys = Object.keys(defaultHttp) as (keyof HttpConfig)[]
  const fields = readMap(value, 'http', issues, keys)
  if (!fields) return defaultHttp
  const integer = (key: keyof HttpConfig, min: number) =>
    readNumber(fields, key, 'http', issues, { min, integer: true }) ?? defaultHttp[key]
  return {
    connectTimeoutMs: integer('connectTimeoutMs', 1),
    headersTimeoutMs: integer('headersTimeoutMs', 1),
    bodyTimeoutMs: integer('bodyTimeoutMs', 1),
    keepAliveTimeoutMs: integer('keepAliveTimeoutMs', 1),
    connections: integer('connections', 1),
    maxResponseBytes: integer('maxResponseBytes', 1024),
  }
}

const unsetVariable = /^(.*): environment variable \S+ is not set$/

/**
 * One line per problem: a field whose variable is not set is empty after interpolation, and its
 * validator would say so again ("must be a non-empty string"); that echo is left out.
 */
function withoutEchoes(issues: Issues): Issues {
  const unset = new Set(issues.flatMap((issue) => unsetVariable.exec(issue)?.[1] ?? []))
  return issues.filter(
    (issue) => unsetVariable.test(issue) || ![...unset].some((path) => issue.startsWith(`${path}: `)),
  )
}

/** Parses, interpolates and validates a config; throws `ConfigError` naming every bad field. */
export function loadConfig(text: string, options: LoadConfigOptions = {}): ModelportConfig {
  const issues: Issues = []
  const raw = interpolateEnv(parseText(text, options.source) ?? {}, options.env ?? {}, issues)
  const root = readMap(raw, '(root)', issues, ['providers', 'routes', 'routing', 'http', 'auth', 'limits'])
  if (!root) throw new ConfigError(issues, options.source)
  const providers = readProviders(root.providers, issues)
  const routing = readRouting(root.routing, issues)
  const routes = readRoutes(
    root.routes,
    issues,
    providers,
    routing,
    options.localEmbeddings,
    options.localChat,
  )
  const http = readHttp(root.http, issues)
  const auth = readAuth(root.auth, issues)
  const limits = readLimits(root.limits, issues)
  if (issues.length) throw new ConfigError(withoutEchoes(issues), options.source)
  return { providers, routes, routing, http, auth, limits }
}

/** Every secret a config holds (keys and header values), to redact from logs and messages. */
export function secretsOf(config: ModelportConfig): string[] {
  return Object.values(config.providers).flatMap((provider) => [
    ...(provider.apiKey ? [provider.apiKey] : []),
    ...Object.values('headers' in provider ? (provider.headers ?? {}) : {}),
  ])
}
