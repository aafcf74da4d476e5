/**
 * The gateway ablation's servers: one modelport per variant, all in this one process (each on its own
 * port, only one under load at a time), so a dozen variants cost one process. No built-in models and no
 * OCR: only the chat path is measured. Argument: JSON `{ [variant]: { off, config, apiKeys? } }`; answers
 * `{ ready: { [variant]: port } }`.
 */
import { type ServerOptions, startServer } from '@modelport/server'

interface Variant {
  /** `metrics`, `access-log` and the server's `AblatableFeature`s. */
  off: string[]
  config: string
  apiKeys?: string[]
}

const variants = JSON.parse(process.argv[2] as string) as Record<string, Variant>
const servers = await Promise.all(
  Object.entries(variants).map(async ([name, variant]) => {
    const off = new Set(variant.off)
    // A log with `info` builds every access log line (then drops it); without `info` there is none.
    const log = off.has('access-log') ? { warn() {}, error() {} } : { info() {}, warn() {}, error() {} }
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      modelsDir: '/nonexistent-modelport-bench-models',
      builtins: false,
      ocr: false,
      log: log as ServerOptions['log'],
      metrics: !off.has('metrics'),
      ablate: variant.off.filter((f) => f !== 'metrics' && f !== 'access-log') as ServerOptions['ablate'],
      configPath: variant.config,
      ...(variant.apiKeys && { apiKeys: variant.apiKeys }),
    })
    return [name, server] as const
  }),
)
process.send?.({ ready: Object.fromEntries(servers.map(([name, server]) => [name, server.port])) })
// The process's CPU time so far in µs (user and system), for the ablation's cost per request.
process.on('message', (message: { id: number; cpu?: boolean }) => {
  if (!message.cpu) return
  const { user, system } = process.cpuUsage()
  process.send?.({ id: message.id, result: user + system })
})
process.on('SIGTERM', () => Promise.all(servers.map(([, s]) => s.close())).then(() => process.exit(0)))
// The runner is gone (it was stopped or crashed): do not outlive it.
process.on('disconnect', () => process.exit(0))
