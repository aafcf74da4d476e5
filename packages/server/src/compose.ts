/**
 * The one composition both entries call. Each entry brings its platform's pieces (the Node entry:
 * undici, Redis or memory limits, ONNX Runtime models, prom-client; the edge entry: the runtime's
 * `fetch`, a Durable Object or memory limits, no local models) and the pieces are put together here, in
 * this order, each from those before it:
 *
 * 1. `accessOf()`: the config's keys and the environment's (hashed), and whether any carries a limit,
 *    so the entry makes a rate limiter only then (Redis needs an `await`, which the edge cannot give);
 * 2. `compose()`: the log, from here on redacted of every secret the config and the keys hold;
 * 3. the router over the platform's `fetch` and local models, reporting circuits to that log;
 * 4. the app, with auth, rate limits, metrics and the log.
 */
import { type App, type AppOptions, createApp } from './app.js'
import { hashApiKeys } from './config/api-keys.js'
import type { ModelportConfig } from './config/config-types.js'
import { secretsOf } from './config/load-config.js'
import type { Clock } from './core/clock.js'
import type { LogMethod } from './core/log.js'
import { redactingLog } from './core/redact.js'
import type { AuthOptions } from './http/auth.js'
import type { RateLimiter } from './limits/rate-limiter.js'
import type { FetchFunction } from './providers/provider-http.js'
import { createRouter } from './routing/create-router.js'
import type { Router } from './routing/router.js'

/** Who may call, and whether any key carries a requests- or tokens-per-minute limit. */
export interface Access {
  auth?: AuthOptions
  limited: boolean
  /** The plain keys, to redact from every log line. */
  plainKeys: readonly string[]
}

export interface AccessKeys {
  /** Plain keys clients must present, from the environment. */
  clientKeys?: readonly string[]
  /** Plain admin keys, which may also load and unload models (Node only). */
  adminKeys?: readonly string[]
  /** Hashes a presented key (default WebCrypto's); Node passes its synchronous one. */
  sha256?: AuthOptions['sha256']
}

/** The config's keys and the environment's: one rule for both entries. */
export function accessOf(config: ModelportConfig['auth'], keys: AccessKeys = {}): Access {
  const clientKeys = keys.clientKeys ?? []
  const adminKeys = keys.adminKeys ?? []
  const plainKeys = [...clientKeys, ...adminKeys]
  const fileKeys = config?.keys ?? []
  if (fileKeys.length === 0 && plainKeys.length === 0) return { limited: false, plainKeys }
  const perMinute = { rpm: config?.rpm, tpm: config?.tpm }
  // Hashed while the app starts (WebCrypto is asynchronous); the auth middleware waits for them.
  const hashed = Promise.all([
    hashApiKeys(clientKeys, perMinute),
    hashApiKeys(adminKeys, perMinute, { admin: true }),
  ]).then(([client, admin]) => [...fileKeys, ...client, ...admin])
  const limited =
    fileKeys.some((key) => key.rpm !== undefined || key.tpm !== undefined) ||
    (plainKeys.length > 0 && (perMinute.rpm !== undefined || perMinute.tpm !== undefined))
  const auth: AuthOptions = {
    keys: hashed,
    publicMetrics: config?.publicMetrics ?? false,
    ...(keys.sha256 && { sha256: keys.sha256 }),
  }
  return { auth, limited, plainKeys }
}

export interface ComposeLog {
  info: LogMethod
  warn: LogMethod
  error: LogMethod
  debug?: LogMethod
}

/** What the app serves besides routes: local models, metrics, docs (absent at the edge). */
type LocalPieces = Omit<AppOptions, 'router' | 'auth' | 'rateLimiter' | 'log' | 'limits'>

export interface PlatformPieces extends LocalPieces {
  config: ModelportConfig
  access: Access
  /** Made by the entry when `access.limited`: memory, Redis or a Durable Object. */
  rateLimiter?: RateLimiter
  /** Outbound HTTP for every provider. */
  fetch: FetchFunction
  log: ComposeLog
  /** Routing's clock and random source (tests count timers or fix jitter). */
  clock?: Clock
  random?: () => number
}

export interface Composed {
  app: App
  router: Router
}

export function compose(pieces: PlatformPieces): Composed {
  const { config, access, rateLimiter, fetch, clock, random, ...local } = pieces
  // From here on, no log line may carry a provider key, nor a client's.
  const log = redactingLog(pieces.log, [...secretsOf(config), ...access.plainKeys])
  const router = createRouter(config, {
    fetch,
    localEmbeddings: local.localEmbeddings,
    localChat: local.localChat,
    clock,
    random,
    log,
    metrics: local.metrics,
    ablate: local.ablate,
    onCircuitChange: (target, state) => log.warn('circuit changed', { target, state }),
  })
  const app = createApp({
    ...local,
    limits: config.limits,
    router,
    auth: access.auth,
    rateLimiter,
    log,
  })
  return { app, router }
}
