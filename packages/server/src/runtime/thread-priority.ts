/**
 * Model threads run at a lower scheduling priority than the event loop. With every core busy running
 * models, a thread of equal priority makes the event loop wait for the scheduler's next turn (several
 * milliseconds, for every request it serves); at a lower priority the loop runs as soon as it has work,
 * and the models still get every cycle it does not use.
 *
 * Linux keeps a nice value per thread, and ONNX Runtime's own threads inherit it from the thread that
 * creates the session, so a worker lowers itself before it loads anything. Elsewhere this does nothing.
 */
import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'

/** The nice value model threads take: 0 (the event loop's) to 19. */
export const DEFAULT_WORKER_NICE = 10

/** `MODELPORT_WORKER_NICE`, checked; the default when unset. */
export function workerNice(env: Record<string, string | undefined> = process.env): number {
  const raw = env.MODELPORT_WORKER_NICE
  if (raw === undefined || raw === '') return DEFAULT_WORKER_NICE
  const nice = Number(raw)
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) {
    throw new Error(`MODELPORT_WORKER_NICE must be an integer from 0 to 19, not '${raw}'.`)
  }
  return nice
}

/** This thread's id as the kernel knows it, or undefined where there is no /proc. */
function threadId(): number | undefined {
  try {
    // "<pid>/task/<tid>": /proc/thread-self resolves for the thread that reads it (sync fs calls run
    // on the calling thread).
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
    return Number.isInteger(tid) && tid > 0 ? tid : undefined
  } catch {
    return undefined
  }
}

/**
 * Lowers the calling thread (a worker's) to `nice`; returns the nice value it now has, or undefined
 * where threads cannot be told apart. Never lowers the main thread: that would slow the event loop.
 */
export function lowerThisThread(nice: number = workerNice()): number | undefined {
  if (process.platform !== 'linux' || nice === 0) return undefined
  const tid = threadId()
  if (tid === undefined || tid === process.pid) return undefined
  setPriority(tid, nice)
  return nice
}
