/**
 * The Node entry: loads the built-in models and the model repository with ONNX Runtime and serves
 * `createApp()` with @hono/node-server.
 */
import { hash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { serve } from '@hono/node-server'
import { accessOf, compose } from './compose.js'
import { ConfigError } from './config/config-error.js'
import { emptyConfig } from './config/config-types.js'
import { loadConfig } from './config/load-config.js'
import type { Clock } from './core/clock.js'
import type { LocalEmbeddings } from './core/local-embeddings.js'
import type { Logger } from './core/log.js'
import { drainable } from './lifecycle/graceful-shutdown.js'
import { MemoryRateLimiter } from './limits/memory-rate-limiter.js'
import { RedisRateLimiter } from './limits/redis-rate-limiter.js'
import { builtinModels } from './models/builtin.js'
import { ModelRegistry } from './models/registry.js'
import { repositoryReader, scanRepository } from './models/repository.js'
import { watchRepository } from './models/watch-repository.js'
import { createLogger } from './observability/logger.js'
import { metricSources } from './observability/metric-sources.js'
import { createPrometheusMetrics } from './observability/prometheus-metrics.js'
import { registerQualityMetrics } from './observability/quality-metrics.js'
import { registerRolloutMetrics } from './observability/rollout-metrics.js'
import { createOutboundHttp } from './providers/undici-fetch.js'
import { QualityMonitor, type QualityOptions } from './quality/quality-monitor.js'
import type { AblatableFeature } from './routing/ablation.js'
import type { Router } from './routing/router.js'
import { onnxLoader } from './runtime/onnx/session.js'
import type { ModelLoader } from './runtime/types.js'
import { type LocalChat, OnnxLocalChat, scanChatModels } from './tasks/chat/index.js'
import { OnnxLocalEmbeddings } from './tasks/embeddings/index.js'
import { createNodeOcrService, type NodeOcrOptions } from './tasks/ocr/node-service.js'

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
  /** Longest audio `/v1/audio/vad` accepts, in seconds (default 3600). */
  maxAudioSeconds?: number
  log?: Logger & { error(message: string, fields?: Record<string, unknown>): void }
  /** Resolve only once every model has loaded (default true). */
  waitForModels?: boolean
  /** Providers and routes, YAML or JSON (the CLI passes `MODELPORT_CONFIG`); start-up fails on a bad one. */
  configPath?: string
  /** Where `${NAME}` in the config is read from (default `process.env`). */
  env?: Record<string, string | undefined>
  /** Local embeddings for `local` targets (default: the repository's embeddings models on ONNX Runtime). */
  localEmbeddings?: LocalEmbeddings
  /** Local chat for `local` targets and chat models' own names (default: the repository's chat folders). */
  localChat?: LocalChat
  /** `POST /v1/ocr` limits and default confidence; `false` leaves the endpoint out. */
  ocr?: NodeOcrOptions | false
  /** Routing's clock and random source (tests count timers or fix jitter). */
  clock?: Clock
  random?: () => number
  /** Plain API keys clients must present (the CLI passes `MODELPORT_API_KEYS`); hashed at start. */
  apiKeys?: string[]
  /** Plain admin keys, which may also load and unload models (the CLI passes `MODELPORT_ADMIN_API_KEYS`). */
  adminApiKeys?: string[]
  /** Count rate limits in this Redis, shared by every replica (the CLI passes `MODELPORT_REDIS_URL`). */
  redisUrl?: string
  /** Measure requests, routing and inference, and serve `GET /metrics` (default true). */
  metrics?: boolean
  /** Release a model's sessions after this long without a request; `model.json` `keep_alive_ms` overrides (default: never). */
  keepAliveMs?: number
  /** Reload a model when its folder in the repository changes: a new version folder rolls out (default false). */
  watch?: boolean
  /** How long `close()` lets requests and streams in flight run before cutting them (default 25 000 ms). */
  shutdownGraceMs?: number
  /** How long `close()` goes on accepting, answering readiness 503, so load balancers stop first (default 0). */
  shutdownDelayMs?: number
  /** How long answers wait for feedback, and how many of one model at most, where `model.json` `feedback` does not say. */
  feedback?: Pick<QualityOptions, 'windowMs' | 'capacity'>
  /** Loads model files (default ONNX Runtime; tests slow it down). */
  loader?: ModelLoader
  /** Chat-path features the gateway benchmark switches off, to measure what each costs (default none). */
  ablate?: readonly AblatableFeature[]
}

export interface RunningServer {
  url: string
  port: number
  registry: ModelRegistry
  /** Resolves when every model has finished loading. */
  loaded: Promise<void>
  /**
   * Stops gracefully: readiness turns 503 at once; after `shutdownDelayMs` no new connection is taken;
   * requests and streams in flight finish (cut after `shutdownGraceMs`); then models are released.
   */
  close(): Promise<void>
}

// The one-shot hash: half the time of a `Hash` object per request, measured on Node 20.
const nodeSha256 = (text: string): Uint8Array => hash('sha256', text, 'buffer')

/** Scalar's browser bundle from node_modules, so `/docs` works with no CDN. */
const scalarScript = () =>
  readFile(createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js'))

async function readConfigFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    throw new ConfigError([`cannot read the file (${reason})`], path)
  }
}

/** Starts a server; it listens at once and reports ready on `/v2/health/ready` when models are loaded. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const plainKeys = options.apiKeys ?? []
  const adminKeys = options.adminApiKeys ?? []
  // Checked before anything starts: such a key would be admin or not depending on which entry matched last.
  if (adminKeys.some((key) => plainKeys.includes(key)))
    throw new Error(
      'A key is in both MODELPORT_API_KEYS and MODELPORT_ADMIN_API_KEYS; list it in one of them.',
    )
  // The pieces are made in this order, each from those before it:
  // 1. the log and the quality monitor;
  // 2. the metrics, first because the model loader and the router report to them; their gauges read
  //    the registry, the router and the HTTP server when scraped, once those exist;
  // 3. the registry, with the built-ins and the repository's models;
  // 4. local chat and local embeddings;
  // 5. the config, read after the local models because its `local` targets are checked against them;
  // 6. access and, when a key carries a limit, the rate limiter (Redis or memory);
  // 7. outbound HTTP and the OCR service;
  // 8. compose(): the redacted log, the router and the app (compose.ts);
  // 9. the HTTP server, then the watcher.
  const log = options.log ?? createLogger()
  const ablate = new Set(options.ablate)
  const modelsDir = resolve(options.modelsDir ?? 'models')
  const quality = new QualityMonitor(options.feedback)

  let registry: ModelRegistry | undefined
  let router: Router | undefined
  let requestsInFlight = () => 0
  const metrics =
    options.metrics === false
      ? undefined
      : createPrometheusMetrics({
          sources: metricSources(
            () => router as Router,
            () => registry as ModelRegistry,
            () => requestsInFlight(),
          ),
        })

  const models = new ModelRegistry({
    onSource: (name, source) => quality.configure(name, source?.feedback),
    keepAliveMs: options.keepAliveMs,
    repository: repositoryReader(modelsDir),
    loader:
      options.loader ??
      onnxLoader(
        {},
        {
          onRun: (model, run) => metrics?.modelRun(model.name, model.version, run.rows, run.ms / 1000),
          onWorkerError: (model, error) =>
            log.warn('model worker stopped; a new one takes its place', { ...model, error: error.message }),
        },
      ),
    log,
  })
  registry = models
  if (metrics) {
    registerRolloutMetrics(metrics.registry, models.rollouts, () => models.list().map((e) => e.name))
    registerQualityMetrics(metrics.registry, quality)
  }
  if (options.builtins ?? true) models.add(builtinModels())
  const scan = await scanRepository(modelsDir)
  // Chat model folders are served by the chat task (each in its own generation worker), not the registry.
  const chatScan = await scanChatModels(modelsDir)
  const chatFolders = new Set([
    ...chatScan.models.map((model) => join(modelsDir, model.name)),
    ...chatScan.skipped.map((skipped) => skipped.path),
  ])
  const isChat = (path: string) => chatFolders.has(path) || chatFolders.has(dirname(path))
  for (const skipped of chatScan.skipped) log.warn('chat model folder skipped', skipped)
  for (const skipped of scan.skipped) if (!isChat(skipped.path)) log.warn('model folder skipped', skipped)
  models.add(scan.models.filter((model) => !isChat(join(modelsDir, model.name))))

  const localChat = options.localChat ?? new OnnxLocalChat({ models: chatScan.models, log })
  const localEmbeddings =
    options.localEmbeddings ??
    new OnnxLocalEmbeddings({ registry: models, readText: (file) => readFile(file, 'utf8'), log })

  const config = options.configPath
    ? loadConfig(await readConfigFile(options.configPath), {
        source: options.configPath,
        env: options.env ?? process.env,
        localEmbeddings,
        localChat,
      })
    : emptyConfig

  const access = accessOf(config.auth, { clientKeys: plainKeys, adminKeys, sha256: nodeSha256 })
  const rateLimiter = !access.limited
    ? undefined
    : options.redisUrl
      ? await RedisRateLimiter.connect(options.redisUrl)
      : new MemoryRateLimiter()

  const outbound = createOutboundHttp(config.http)
  const limits = config.limits ?? {}
  const ocrLimits = {
    ...(limits.maxImageBytes !== undefined && { maxImageBytes: limits.maxImageBytes }),
    ...(limits.maxImagePixels !== undefined && { maxPixels: limits.maxImagePixels }),
  }
  const ocr =
    options.ocr === false
      ? undefined
      : await createNodeOcrService(models, {
          ...ocrLimits,
          onWorkerError: (error) =>
            log.warn('OCR worker stopped; a new one takes its place', { error: error.message }),
          ...options.ocr,
        })

  const composed = compose({
    config,
    access,
    rateLimiter,
    fetch: outbound.fetch,
    log,
    clock: options.clock,
    random: options.random,
    registry: models,
    maxBodyBytes: options.maxBodyBytes,
    maxTensorElements: options.maxTensorElements,
    maxAudioSeconds: options.maxAudioSeconds,
    localEmbeddings,
    localChat,
    docs: { script: scalarScript },
    ocr,
    metrics,
    quality,
    ablate,
  })
  router = composed.router
  const app = composed.app
  const server = await new Promise<ReturnType<typeof serve>>((done, fail) => {
    const s = serve(
      { fetch: app.fetch, port: options.port ?? 8080, hostname: options.host ?? '127.0.0.1' },
      () => done(s),
    )
    s.once('error', fail)
  })
  const drainer = drainable(server as Server)
  requestsInFlight = drainer.inFlight
  const { port } = server.address() as AddressInfo
  const loaded = Promise.all([
    models.loadAll(),
    localChat instanceof OnnxLocalChat ? localChat.loaded : undefined,
  ]).then(() => {})
  const watcher = options.watch
    ? watchRepository(modelsDir, (name) => {
        models
          .reload(name)
          .catch((error: Error) => log.warn('model reload failed', { model: name, error: error.message }))
      })
    : undefined
  if (options.waitForModels ?? true) await loaded
  return {
    url: `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${port}`,
    port,
    registry: models,
    loaded,
    async close() {
      models.stopServing()
      watcher?.close()
      if (options.shutdownDelayMs) await new Promise((done) => setTimeout(done, options.shutdownDelayMs))
      const { forced } = await drainer.drain(options.shutdownGraceMs ?? 25_000)
      if (forced > 0) log.warn('requests cut at the end of the shutdown grace period', { forced })
      await outbound.close()
      await rateLimiter?.close()
      await loaded
      await ocr?.close?.()
      await models.close()
      await localChat.close()
    },
  }
}
