/**
 * SIGINT and SIGTERM as a person or a supervisor means them: the first asks for a graceful stop, and a
 * second one sent deliberately later asks to stop at once. A copy of the first that arrives within
 * `repeatWindowMs` is the same request, not a second one: a signal sent to a process group reaches
 * the server directly and again through every wrapper that relays it (pnpm, a supervisor script), a few
 * milliseconds apart, and read as two it would cut the requests in flight that the first meant to drain.
 */

export type StopSignal = 'SIGINT' | 'SIGTERM'

export interface StopSignalHandlers {
  /** The first signal: drain and exit. */
  graceful(signal: StopSignal): void
  /** A later signal: exit now. */
  immediate(signal: StopSignal): void
  /** A copy of the first, ignored. */
  repeated?(signal: StopSignal): void
}

export interface StopSignalOptions {
  /** Default 1000 ms: far above a relay's delay, far below a person's second Ctrl-C after a look at the log. */
  repeatWindowMs?: number
  now?: () => number
  /** Where the signals come from (default `process`). */
  source?: Pick<NodeJS.Process, 'on' | 'off'>
}

/** Listens for SIGINT and SIGTERM; returns a function that stops listening. */
export function onStopSignals(handlers: StopSignalHandlers, options: StopSignalOptions = {}): () => void {
  const windowMs = options.repeatWindowMs ?? 1000
  const now = options.now ?? (() => performance.now())
  const source = options.source ?? process
  let firstAt: number | undefined
  const listener = (signal: StopSignal) => {
    const at = now()
    if (firstAt === undefined) {
      firstAt = at
      handlers.graceful(signal)
    } else if (at - firstAt < windowMs) handlers.repeated?.(signal)
    else handlers.immediate(signal)
  }
  source.on('SIGINT', listener)
  source.on('SIGTERM', listener)
  return () => {
    source.off('SIGINT', listener)
    source.off('SIGTERM', listener)
  }
}
