/** `routes:` — model aliases clients call, each with its targets, strategy and timing. */

import type { LocalChat } from '../core/local-chat.js'
import type { LocalEmbeddings } from '../core/local-embeddings.js'
import { type Issues, readChoice, readMap, readNumber, readString } from './config-fields.js'
import type {
  ModelportConfig,
  ProviderConfig,
  RetryPolicy,
  RouteConfig,
  TargetConfig,
} from './config-types.js'
import { checkVectorSpace } from './vector-space.js'

const routeName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/
const routeFields = ['task', 'strategy', 'targets', 'deadlineMs', 'retry', 'dimensions'] as const
const targetFields = ['provider', 'model', 'weight', 'dimensions', 'space'] as const
const retryFields = ['attempts', 'initialDelayMs', 'maxDelayMs', 'maxRetryAfterMs'] as const

export function readRetry(value: unknown, path: string, issues: Issues, base: RetryPolicy): RetryPolicy {
  if (value === undefined) return base
  const fields = readMap(value, path, issues, retryFields)
  if (!fields) return base
  return {
    attempts: readNumber(fields, 'attempts', path, issues, { min: 1, integer: true }) ?? base.attempts,
    initialDelayMs: readNumber(fields, 'initialDelayMs', path, issues) ?? base.initialDelayMs,
    maxDelayMs: readNumber(fields, 'maxDelayMs', path, issues) ?? base.maxDelayMs,
    maxRetryAfterMs: readNumber(fields, 'maxRetryAfterMs', path, issues) ?? base.maxRetryAfterMs,
  }
}

function readTarget(
  value: unknown,
  path: string,
  issues: Issues,
  providers: Record<string, ProviderConfig>,
): TargetConfig | undefined {
  const fields = readMap(value, path, issues, targetFields)
  if (!fields) return undefined
  const provider = readString(fields, 'provider', path, issues, { required: true })
  const model = readString(fields, 'model', path, issues, { required: true })
  if (provider && provider !== 'local' && !providers[provider]) {
    const known = ['local', ...Object.keys(providers)].join(', ')
    issues.push(`${path}.provider: unknown provider '${provider}' (known: ${known})`)
  }
  if (!provider || !model) return undefined
  return {
    provider,
    model,
    weight: readNumber(fields, 'weight', path, issues) ?? 1,
    dimensions: readNumber(fields, 'dimensions', path, issues, { min: 1, integer: true }),
    space: readString(fields, 'space', path, issues),
  }
}

function readRoute(
  value: unknown,
  path: string,
  issues: Issues,
  providers: Record<string, ProviderConfig>,
  routing: ModelportConfig['routing'],
  local: LocalEmbeddings | undefined,
  localChat: Pick<LocalChat, 'has'> | undefined,
): RouteConfig | undefined {
  const fields = readMap(value, path, issues, routeFields)
  if (!fields) return undefined
  if (!Array.isArray(fields.targets) || fields.targets.length === 0) {
    issues.push(`${path}.targets: must be a list of at least one target`)
    return undefined
  }
  const targets = fields.targets.map((target, index) =>
    readTarget(target, `${path}.targets[${index}]`, issues, providers),
  )
  if (!targets.every((target): target is TargetConfig => target !== undefined)) return undefined

  // A route whose local targets are embeddings models serves embeddings; otherwise chat.
  const isLocal = (target: TargetConfig) => target.provider === 'local'
  const task =
    readChoice(fields, 'task', path, issues, ['chat', 'embeddings'] as const) ??
    (targets.some(isLocal) && !targets.some((target) => isLocal(target) && localChat?.has(target.model))
      ? 'embeddings'
      : 'chat')
  const strategy =
    readChoice(fields, 'strategy', path, issues, ['fallback', 'loadbalance'] as const) ?? 'fallback'
  const declared = readNumber(fields, 'dimensions', path, issues, { min: 1, integer: true })

  targets.forEach((target, index) => {
    const at = `${path}.targets[${index}]`
    const type = target.provider === 'local' ? 'local' : providers[target.provider]?.type
    if (task === 'chat' && type === 'local' && !localChat?.has(target.model))
      issues.push(`${at}.model: no local chat model '${target.model}' in the model repository`)
    if (task === 'embeddings' && type === 'anthropic')
      issues.push(`${at}.provider: anthropic serves chat only`)
    if (task === 'chat' && (target.dimensions !== undefined || target.space !== undefined))
      issues.push(`${at}: 'dimensions' and 'space' are for embeddings routes`)
    if (strategy === 'fallback' && (fields.targets as Record<string, unknown>[])[index]?.weight !== undefined)
      issues.push(`${at}.weight: weights need strategy: loadbalance`)
  })
  if (task === 'chat' && declared !== undefined) issues.push(`${path}.dimensions: is for embeddings routes`)
  if (strategy === 'loadbalance' && targets.every((target) => target.weight <= 0))
    issues.push(`${path}.targets: at least one target needs a weight above 0`)

  const dimensions =
    task === 'embeddings' ? checkVectorSpace(path, targets, declared, local, issues) : undefined
  return {
    task,
    strategy,
    targets,
    deadlineMs: readNumber(fields, 'deadlineMs', path, issues, { min: 1 }) ?? routing.deadlineMs,
    retry: readRetry(fields.retry, `${path}.retry`, issues, routing.retry),
    dimensions,
  }
}

export function readRoutes(
  value: unknown,
  issues: Issues,
  providers: Record<string, ProviderConfig>,
  routing: ModelportConfig['routing'],
  local: LocalEmbeddings | undefined,
  localChat?: Pick<LocalChat, 'has'>,
): Record<string, RouteConfig> {
  if (value === undefined) return {}
  const map = readMap(value, 'routes', issues)
  const routes: Record<string, RouteConfig> = {}
  for (const [name, entry] of Object.entries(map ?? {})) {
    const path = `routes.${name}`
    if (!routeName.test(name))
      issues.push(`${path}: a route name uses letters, digits, '.', '_' or '-' (at most 128)`)
    const route = readRoute(entry, path, issues, providers, routing, local, localChat)
    if (route) routes[name] = route
  }
  return routes
}
