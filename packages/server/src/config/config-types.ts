/** The config file's shape after validation, defaults filled in. See docs/routing.md. */
import type { ApiKey } from './api-keys.js'
import type { RequestLimits } from './request-limits.js'

/** How a route retries one target before it falls back. */
export interface RetryPolicy {
  /** Attempts per target, the first included. */
  attempts: number
  initialDelayMs: number
  maxDelayMs: number
  /** The longest `Retry-After` worth waiting for; longer ones move on at once. */
  maxRetryAfterMs: number
}

/** What a route serves. */
export type RouteTask = 'chat' | 'embeddings'

export interface OpenAICompatibleConfig {
  type: 'openai-compatible'
  baseUrl: string
  apiKey?: string
  headers?: Record<string, string>
}

export interface AnthropicConfig {
  type: 'anthropic'
  apiKey: string
  baseUrl?: string
  version?: string
  maxTokens?: number
  headers?: Record<string, string>
}

export interface HuggingFaceConfig {
  type: 'huggingface'
  apiKey?: string
  baseUrl?: string
  featureExtractionUrl?: string
}

export type ProviderConfig = OpenAICompatibleConfig | AnthropicConfig | HuggingFaceConfig
export type ProviderType = ProviderConfig['type']

export interface TargetConfig {
  /** A name under `providers`, or `local` for this server's own embeddings models. */
  provider: string
  model: string
  /** Load-balancing weight (default 1). */
  weight: number
  /** Embeddings: the vector size this target gives when no `dimensions` is asked. */
  dimensions?: number
  /** Embeddings: the vector space's name; defaults to the model id's last segment, lower-cased. */
  space?: string
}

export interface RouteConfig {
  task: RouteTask
  strategy: 'fallback' | 'loadbalance'
  targets: TargetConfig[]
  deadlineMs: number
  retry: RetryPolicy
  /** Embeddings: the vector size every target gives, when known (declared or read from a local model). */
  dimensions?: number
}

export interface CircuitBreakerConfig {
  failureThreshold: number
  cooldownMs: number
}

export interface HttpConfig {
  connectTimeoutMs: number
  headersTimeoutMs: number
  bodyTimeoutMs: number
  keepAliveTimeoutMs: number
  /** Most sockets per upstream origin. */
  connections: number
  /** Most bytes read of one upstream answer (a stream counted as it arrives); past it, a 502. */
  maxResponseBytes: number
}

export interface AuthConfig {
  /** Keys from the file, hashed; `MODELPORT_API_KEYS` and `MODELPORT_ADMIN_API_KEYS` add more at start-up. */
  keys: ApiKey[]
  /** Requests and tokens per minute for keys that set none (the environment's keys included). */
  rpm?: number
  tpm?: number
  /** `GET /metrics` without a key (default false: it needs one when keys are configured). */
  publicMetrics: boolean
}

export interface ModelportConfig {
  providers: Record<string, ProviderConfig>
  routes: Record<string, RouteConfig>
  routing: { deadlineMs: number; retry: RetryPolicy; circuitBreaker: CircuitBreakerConfig }
  http: HttpConfig
  /** API keys and their rate limits (absent: no keys from the file). */
  auth?: AuthConfig
  /** Request size limits the file sets; the rest keep their defaults. */
  limits?: Partial<RequestLimits>
}

export const defaultRouting: ModelportConfig['routing'] = {
  deadlineMs: 120_000,
  retry: { attempts: 2, initialDelayMs: 250, maxDelayMs: 2_000, maxRetryAfterMs: 5_000 },
  circuitBreaker: { failureThreshold: 5, cooldownMs: 30_000 },
}

export const defaultHttp: HttpConfig = {
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 60_000,
  bodyTimeoutMs: 30_000,
  keepAliveTimeoutMs: 10_000,
  connections: 64,
  maxResponseBytes: 64 * 1024 * 1024,
}

/** No providers and no routes: local embeddings models are still served as their own routes. */
export const emptyConfig: ModelportConfig = {
  providers: {},
  routes: {},
  routing: defaultRouting,
  http: defaultHttp,
}
