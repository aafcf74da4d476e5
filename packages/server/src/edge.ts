/**
 * The edge entry: the provider-only server for Workers-style runtimes (Cloudflare Workers, Deno, Bun).
 * It is the same `createApp()`, with routes to remote providers through the runtime's own `fetch` and no
 * local models; nothing it imports touches a Node built-in or ONNX Runtime. `pnpm -F @modelport/server
 * build` bundles it into one ES module, `dist/edge.js`.
 *
 * @example
 * // Cloudflare Workers: `main = "node_modules/@modelport/server/dist/edge.js"` in wrangler.toml.
 * // Deno: Deno.serve(createEdgeApp(Deno.env.toObject()).fetch)
 * // Bun: export default createEdgeApp(process.env)
 */
import type { ExecutionContext } from 'hono'
import type { App } from './app.js'
import { accessOf, compose } from './compose.js'
import { splitApiKeys } from './config/api-keys.js'
import { ConfigError } from './config/config-error.js'
import { emptyConfig } from './config/config-types.js'
import { loadConfig } from './config/load-config.js'
import { ModelportError } from './core/errors.js'
import type { LogMethod } from './core/log.js'
import { errorBody } from './http/errors.js'
import { DurableObjectRateLimiter, isDurableObjectNamespace } from './limits/durable-object-rate-limiter.js'
import { MemoryRateLimiter } from './limits/memory-rate-limiter.js'
import { type FetchFunction, webFetch } from './providers/provider-http.js'

/** The bindings the edge entry reads. Every string binding can be named by `${NAME}` in the config. */
export interface EdgeEnv {
  /** Providers and routes, as JSON or YAML text (a Worker var, or a secret when it holds keys). */
  MODELPORT_CONFIG?: string
  /** Comma-separated keys that clients must present (with the config's `auth.keys`, if any). */
  MODELPORT_API_KEYS?: string
  /** A Durable Object namespace of `RateLimiterObject`: rate limits shared by every isolate. */
  MODELPORT_RATE_LIMITER?: unknown
  [binding: string]: unknown
}

export interface EdgeAppOptions {
  /** Outbound HTTP for every provider (default: the runtime's global `fetch`). */
  fetch?: FetchFunction
  log?: { info: LogMethod; warn: LogMethod; error: LogMethod }
}

const line =
  (level: string): LogMethod =>
  (message, fields) =>
    console.log(JSON.stringify({ level, message, ...fields }))
const consoleLog = { info: line('info'), warn: line('warn'), error: line('error') }

/** The env's string bindings: what `${NAME}` may read (KV namespaces and other objects are not text). */
function textBindings(env: EdgeEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  )
}

/** Builds the app from the env's bindings; throws `ConfigError` naming every bad field of `MODELPORT_CONFIG`. */
export function createEdgeApp(env: EdgeEnv, options: EdgeAppOptions = {}): App {
  const text = env.MODELPORT_CONFIG?.trim()
  let config = emptyConfig
  try {
    // With no file name the format is told by the content: `{` starts JSON, anything else is YAML.
    if (text) config = loadConfig(text, { env: textBindings(env) })
  } catch (error) {
    throw error instanceof ConfigError ? new ConfigError(error.issues, 'MODELPORT_CONFIG') : error
  }
  // The order compose.ts states: access, the rate limiter when a key is limited, then the rest.
  const access = accessOf(config.auth, { clientKeys: splitApiKeys(env.MODELPORT_API_KEYS) })
  // With the Durable Object binding every isolate counts in one place; without it, each its own.
  const rateLimiter = !access.limited
    ? undefined
    : isDurableObjectNamespace(env.MODELPORT_RATE_LIMITER)
      ? new DurableObjectRateLimiter(env.MODELPORT_RATE_LIMITER)
      : new MemoryRateLimiter()
  return compose({
    config,
    access,
    rateLimiter,
    fetch: options.fetch ?? webFetch,
    log: options.log ?? consoleLog,
  }).app
}

/** A config that cannot be served answers every request with this, and the reason goes to the log once. */
function misconfigured(request: Request): Response {
  const error = new ModelportError(
    500,
    'server_error',
    'invalid_config',
    "The server's config (MODELPORT_CONFIG) is not valid; its log says which fields are wrong.",
  )
  return Response.json(errorBody(new URL(request.url).pathname, error), { status: 500 })
}

// One app per isolate and env: circuit breakers and their state live as long as the isolate does.
const apps = new WeakMap<object, App | undefined>()

/** The Durable Object class for `MODELPORT_RATE_LIMITER`; Workers need it exported from the entry. */
export { RateLimiterObject } from './limits/durable-object-rate-limiter.js'

/** The Workers module entry. */
export default {
  fetch(request: Request, env: EdgeEnv = {}, context?: ExecutionContext): Response | Promise<Response> {
    if (!apps.has(env)) {
      try {
        apps.set(env, createEdgeApp(env))
      } catch (error) {
        consoleLog.error('modelport cannot start', { error: (error as Error).message })
        apps.set(env, undefined)
      }
    }
    const app = apps.get(env)
    return app ? app.fetch(request, env, context) : misconfigured(request)
  },
}
