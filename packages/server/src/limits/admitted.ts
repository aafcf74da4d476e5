/**
 * Route middleware that holds a request to admissions before its handler reads the body: each gate in
 * turn (the process-wide one first), released when the handler is done. A client that leaves while
 * waiting ends as `client_closed_request`, never as an unexpected error.
 */
import type { MiddlewareHandler } from 'hono'
import type { AbortSignalLike } from '../core/cancellation.js'
import { ModelportError } from '../core/errors.js'
import { clientSignal } from '../http/client-signal.js'
import type { Admission } from './admission.js'

export function admitted(...gates: Admission[]): MiddlewareHandler {
  return async (c, next) => {
    let signal: AbortSignalLike | undefined
    const releases: (() => void)[] = []
    try {
      for (const gate of gates) {
        // Most requests find a place free: no wait, so no watch on the client either.
        const now = gate.tryEnter()
        if (now) {
          releases.push(now)
          continue
        }
        signal ??= clientSignal(c)
        try {
          releases.push(await gate.enter(signal))
        } catch (error) {
          if (error instanceof ModelportError) throw error
          throw new ModelportError(
            503,
            'server_error',
            'client_closed_request',
            'The client closed the request while it waited for its turn.',
          )
        }
      }
      await next()
    } finally {
      for (const release of releases.reverse()) release()
    }
  }
}
