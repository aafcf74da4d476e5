/**
 * Model threads run at a lower scheduling priority than the event loop. With every core busy running
 * models, a thread of equal priority makes the event loop wait for the scheduler's next turn (several
 * milliseconds, for every request it serves); at a lower priority the loop runs as soon as it has work,
 * and the models still get every cycle it does not use.
 *
 * Linux keeps a nice value per thread, and a thread's children (ONNX Runtime's own threads) inherit it,
 * so a worker lowers itself before it loads anything: piscina does it for the pools (`niceIncrement`,
 * through @napi-rs/nice), `lowerThisThread` for threads started by hand. Elsewhere it does nothing.
 */
import { createRequire } from 'node:module'

/**
 * The binding's `nice(increment)`, loaded when first needed; null where its native module is not
 * available for this platform (then threads keep the loop's priority, as piscina also does).
 */
let nice: ((increment: number) => number) | null | undefined
function niceBinding(): ((increment: number) => number) | null {
  if (nice === undefined) {
    try {
      nice = (createRequire(import.meta.url)('@napi-rs/nice') as { nice: (increment: number) => number }).nice
    } catch {
      nice = null
    }
  }
  return nice
}

/** How much lower than the event loop model threads run by default, in nice steps. */
export const DEFAULT_WORKER_NICE = 10

/** `MODELPORT_WORKER_NICE` (0: the event loop's priority, up to 19), checked; the default when unset. */
export function workerNice(env: Record<string, string | undefined> = process.env): number {
  const raw = env.MODELPORT_WORKER_NICE
  if (raw === undefined || raw === '') return DEFAULT_WORKER_NICE
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0 || value > 19) {
    throw new Error(`MODELPORT_WORKER_NICE must be an integer from 0 to 19, not '${raw}'.`)
  }
  return value
}

/** Lowers the calling thread (a worker's, never the event loop's) by `increment` nice steps. */
export function lowerThisThread(increment: number): void {
  if (increment > 0 && process.platform !== 'win32') niceBinding()?.(increment)
}
