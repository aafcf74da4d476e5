/**
 * Lets the event loop run whatever is waiting (other requests, health checks, timers) before going on
 * with long work in JavaScript. `setImmediate` where the runtime has it (Node, Bun, Deno), else a timer.
 */
const immediate = (globalThis as { setImmediate?: (run: () => void) => unknown }).setImmediate

export function nextTurn(): Promise<void> {
  return new Promise((done) => (immediate ? immediate(done) : setTimeout(done, 0)))
}

/**
 * Calls `step(from, to)` over `[0, total)` in slices of `slice`, yielding to the event loop between
 * slices, so no single slice holds it long. One slice runs without yielding.
 */
export async function inSlices(
  total: number,
  slice: number,
  step: (from: number, to: number) => void,
): Promise<void> {
  for (let from = 0; from < total; from += slice) {
    if (from > 0) await nextTurn()
    step(from, Math.min(total, from + slice))
  }
}
