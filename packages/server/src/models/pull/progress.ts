/** Progress bars for `modelport pull` on a terminal; nothing at all when the stream is not a TTY. */
import cliProgress from 'cli-progress'
import type { ProgressReporter } from './download.js'

const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)

/** A reporter drawing one bar per file on `stream` if it is a TTY; `stop()` ends the drawing. */
export function terminalProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }): ProgressReporter & {
  stop(): void
} {
  if (!stream.isTTY) return { start() {}, advance() {}, finish() {}, stop() {} }
  const bars = new cliProgress.MultiBar(
    {
      stream,
      format: '{file} [{bar}] {percentage}% {done}/{size} MB',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  )
  const open = new Map<string, { bar: cliProgress.SingleBar; value: number; total: number }>()
  return {
    start(file, total, done) {
      const size = total ?? 0
      const bar = bars.create(size, done, {
        file,
        done: megabytes(done),
        size: total === undefined ? '?' : megabytes(size),
      })
      open.set(file, { bar, value: done, total: size })
    },
    advance(file, bytes) {
      const entry = open.get(file)
      if (!entry) return
      entry.value += bytes
      if (entry.value > entry.total) entry.bar.setTotal(entry.value)
      entry.bar.update(entry.value, { done: megabytes(entry.value) })
    },
    finish(file) {
      open.get(file)?.bar.stop()
    },
    stop() {
      bars.stop()
    },
  }
}
