/** A real modelport server on port 0 whose config (written to a temp file) routes to fake upstreams. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LocalEmbeddings } from '../../src/core/local-embeddings.js'
import { type RunningServer, startServer } from '../../src/node.js'
import { countingClock } from './counting-clock.js'

export interface RoutedServer extends RunningServer {
  /** Every log line written, as JSON text, for "no key in any log line". */
  logLines: string[]
  liveTimers(): number
}

export async function startRoutedServer(
  config: unknown,
  options: { localEmbeddings?: LocalEmbeddings; env?: Record<string, string>; random?: () => number } = {},
): Promise<RoutedServer> {
  const dir = await mkdtemp(join(tmpdir(), 'modelport-config-'))
  const configPath = join(dir, 'modelport.json')
  await writeFile(configPath, JSON.stringify(config))
  const logLines: string[] = []
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    logLines.push(JSON.stringify({ level, message, ...fields }))
  }
  const { clock, liveTimers } = countingClock()
  try {
    const server = await startServer({
      port: 0,
      builtins: false,
      modelsDir: join(dir, 'no-models'),
      configPath,
      env: options.env ?? {},
      localEmbeddings: options.localEmbeddings,
      clock,
      random: options.random,
      log: { info: line('info'), warn: line('warn'), error: line('error') },
    })
    return Object.assign(server, { logLines, liveTimers })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
