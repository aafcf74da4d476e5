/**
 * Stopping a Node HTTP server without cutting anyone off: no new connections, every request and event
 * stream in flight runs to its end, each connection closes as soon as its last answer is sent, and
 * whatever is still open when the grace period ends is closed by force.
 */
import type { Server, ServerResponse } from 'node:http'

export interface Drainer {
  /** Requests being answered now (streams included). */
  inFlight(): number
  /** Stops accepting and resolves once every connection is closed; `forced` counts answers cut at `graceMs`. */
  drain(graceMs: number): Promise<{ forced: number }>
}

/** Starts tracking the server's requests; call it before the server takes any. */
export function drainable(server: Server): Drainer {
  const active = new Set<ServerResponse>()
  let draining = false
  // First in line, so the header is set before the app writes its answer.
  server.prependListener('request', (_request, response: ServerResponse) => {
    active.add(response)
    if (draining) response.setHeader('connection', 'close')
    response.once('close', () => {
      active.delete(response)
      // A keep-alive connection that just went idle would otherwise linger until its timeout.
      if (draining) setImmediate(() => server.closeIdleConnections())
    })
  })
  return {
    inFlight: () => active.size,
    async drain(graceMs) {
      draining = true
      for (const response of active) if (!response.headersSent) response.setHeader('connection', 'close')
      const closed = new Promise<void>((done) => server.close(() => done()))
      server.closeIdleConnections()
      let timer: ReturnType<typeof setTimeout> | undefined
      const graceOver = new Promise<'grace over'>((done) => {
        timer = setTimeout(() => done('grace over'), graceMs)
      })
      const outcome = await Promise.race([closed, graceOver])
      clearTimeout(timer)
      if (outcome !== 'grace over') return { forced: 0 }
      const forced = active.size
      server.closeAllConnections()
      await closed
      return { forced }
    },
  }
}
