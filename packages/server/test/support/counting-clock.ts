/** The system clock, counting live timers: after a request, routing must have left none behind. */
import type { Clock } from '../../src/core/clock.js'

export function countingClock() {
  const live = new Set<unknown>()
  const clock: Clock = {
    now: () => Date.now(),
    setTimeout(callback, ms) {
      const handle = setTimeout(() => {
        live.delete(handle)
        callback()
      }, ms)
      live.add(handle)
      return handle
    },
    clearTimeout(handle) {
      live.delete(handle)
      clearTimeout(handle as ReturnType<typeof setTimeout>)
    },
  }
  return { clock, liveTimers: () => live.size }
}
