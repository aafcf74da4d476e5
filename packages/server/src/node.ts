/**
 * The Node entry: loads the built-in models and the model repository with ONNX Runtime and serves
 * `createApp()` with @hono/node-server.
 */
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { serve } from '@hono/node-server'
import { createApp } from './app.js'
import { builtinModels } from './models/builtin.js'
import { type Logger, ModelRegistry } from './models/registry.js'
import { scanRepository } from './models/repository.js'
import { onnxLoader } from './runtime/onnx/session.js'

export interface ServerOptions {
  /** Listen port; 0 picks a free one (default 8080). */
  port?: number
  /** Listen address (default 127.0.0.1; use 0.0.0.0 to accept connections from other hosts). */
  host?: string
  /** Model repository folder (default `./models`). */
  modelsDir?: string
  /** Serve the built-in models (default true). */
  builtins?: boolean
  maxBodyBytes?: number
  maxTensorElements?: number
  log?: Logger & { error(message: string, fields?: Record<string, unknown>): void }
  /** Resolve only once every model has loaded (default true). */
  waitForModels?: boolean
}

export interface RunningServer {
  url: string
  port: number
  registry: ModelRegistry
  /** Resolves when every model has finished loading. */
  loaded: Promise<void>
  close(): Promise<void>
}

const consoleLog = {
  info: (message: string, fields?: Record<string, unknown>) =>
    console.log(JSON.stringify({ level: 'info', message, ...fields })),
  warn: (message: string, fields?: Record<string, unknown>) =>
    console.warn(JSON.stringify({ level: 'warn', message, ...fields })),
  error: (message: string, fields?: Record<string, unknown>) =>
    console.error(JSON.stringify({ level: 'error', message, ...fields })),
}

/** Starts a server; it listens at once and reports ready on `/v2/health/ready` when models are loaded. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const log = options.log ?? consoleLog
  const modelsDir = resolve(options.modelsDir ?? 'models')
  const registry = new ModelRegistry({ loader: onnxLoader(), log })
  if (options.builtins ?? true) registry.add(builtinModels())
  const scan = await scanRepository(modelsDir)
  for (const skipped of scan.skipped) log.warn('model folder skipped', skipped)
  registry.add(scan.models)

  const app = createApp({
    registry,
    maxBodyBytes: options.maxBodyBytes,
    maxTensorElements: options.maxTensorElements,
    log,
  })
  const server = await new Promise<ReturnType<typeof serve>>((done, fail) => {
    const s = serve(
      { fetch: app.fetch, port: options.port ?? 8080, hostname: options.host ?? '127.0.0.1' },
      () => done(s),
    )
    s.once('error', fail)
  })
  const { port } = server.address() as AddressInfo
  const loaded = registry.loadAll()
  if (options.waitForModels ?? true) await loaded
  return {
    url: `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${port}`,
    port,
    registry,
    loaded,
    async close() {
      await new Promise<void>((done) => server.close(() => done()))
      await loaded
      await registry.close()
    },
  }
}
