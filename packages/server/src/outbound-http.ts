/**
 * Outbound HTTP for remote providers on Node: one undici Agent (keep-alive pool, connect, headers and
 * body timeouts) behind a standard `fetch`, so providers stay runtime-agnostic.
 */
import { Agent, fetch as undiciFetch } from 'undici'
import type { HttpConfig } from './config/config-types.js'
import type { FetchFunction } from './providers/provider-http.js'

export interface OutboundHttp {
  fetch: FetchFunction
  /** Closes every pooled socket; call once the server has stopped. */
  close(): Promise<void>
}

export function createOutboundHttp(config: HttpConfig): OutboundHttp {
  const dispatcher = new Agent({
    connect: { timeout: config.connectTimeoutMs },
    headersTimeout: config.headersTimeoutMs,
    bodyTimeout: config.bodyTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    connections: config.connections,
  })
  const fetch: FetchFunction = (input, init) =>
    // undici's own Request/Response types are structurally the web ones.
    undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
    }) as unknown as Promise<Response>
  return { fetch, close: () => dispatcher.destroy() }
}
