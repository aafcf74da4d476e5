/**
 * API-key authentication: `Authorization: Bearer <key>`, checked against the SHA-256 of each configured
 * key. The presented key is hashed and compared with every configured hash in constant time, so neither
 * the time taken nor an early exit says how much of a key matched, or which key it was.
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { ApiKey } from '../config/api-keys.js'
import { ModelportError } from '../core/errors.js'
import { errorBody } from './errors.js'

declare module 'hono' {
  interface ContextVariableMap {
    /** The key the request was authenticated with (absent when the server has no keys). */
    apiKey?: ApiKey
  }
}

export interface AuthOptions {
  /** The accepted keys; a promise while the edge build hashes them. No keys: every request passes. */
  keys: readonly ApiKey[] | Promise<readonly ApiKey[]>
  /** Serve `GET /metrics` without a key, for a Prometheus inside the network (default false). */
  publicMetrics?: boolean
  /**
   * SHA-256 of a presented key (default WebCrypto's). Node passes its synchronous hash, which spares
   * each request a round trip through the thread pool.
   */
  sha256?: (text: string) => Uint8Array | Promise<Uint8Array>
}

/** WebCrypto's SHA-256, available on every runtime the app runs on. */
const webSha256 = async (text: string): Promise<Uint8Array> =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))

/** Health probes and the API reference never need a key. */
export function isPublicPath(path: string, publicMetrics = false): boolean {
  return (
    path === '/v2/health/live' ||
    path === '/v2/health/ready' ||
    path === '/openapi.json' ||
    path === '/docs' ||
    path.startsWith('/docs/') ||
    (publicMetrics && path === '/metrics')
  )
}

function fromHex(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16)
  return bytes
}

/** Whether two digests are equal, looking at every byte whatever the first difference. */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number)
  return difference === 0
}

/** The key a presented digest belongs to, comparing against every key (no early exit). */
function findKey(
  keys: readonly { key: ApiKey; digest: Uint8Array }[],
  digest: Uint8Array,
): ApiKey | undefined {
  let found: ApiKey | undefined
  for (const entry of keys) if (digestsEqual(entry.digest, digest)) found = entry.key
  return found
}

function bearer(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)
  return match?.[1]
}

function unauthorized(c: Context, presented: boolean): Response {
  const message = presented
    ? 'The API key is not valid.'
    : "An API key is required: send it as 'Authorization: Bearer <key>'."
  const error = new ModelportError(401, 'authentication_error', 'invalid_api_key', message)
  c.header(
    'www-authenticate',
    presented ? 'Bearer realm="modelport", error="invalid_token"' : 'Bearer realm="modelport"',
  )
  return c.json(errorBody(c.req.path, error), 401)
}

/** Requires a configured key on every path but the public ones, when any key is configured. */
export function apiKeyAuth(options: AuthOptions): MiddlewareHandler {
  const prepared = Promise.resolve(options.keys).then((keys) =>
    keys.map((key) => ({ key, digest: fromHex(key.sha256) })),
  )
  const sha256 = options.sha256 ?? webSha256
  return async (c, next) => {
    const keys = await prepared
    if (keys.length === 0 || isPublicPath(c.req.path, options.publicMetrics)) return next()
    const secret = bearer(c.req.header('authorization'))
    const key = secret === undefined ? undefined : findKey(keys, await sha256(secret))
    if (!key) return unauthorized(c, c.req.header('authorization') !== undefined)
    c.set('apiKey', key)
    return next()
  }
}
