/**
 * `createApp()`: the Hono app, free of Node-only APIs, so the same app runs on Node and at the edge.
 */
import { Hono } from 'hono'
import { emptyConfig } from './config/config-types.js'
import { defaultLimits, type RequestLimits } from './config/request-limits.js'
import { tooLarge } from './core/errors.js'
import type { LocalChat } from './core/local-chat.js'
import type { LocalEmbeddings } from './core/local-embeddings.js'
import { type Metrics, noMetrics } from './core/metrics.js'
import { chatRoutes } from './endpoints/chat.js'
import { type DocsOptions, docsRoutes } from './endpoints/docs.js'
import { embeddingsRoutes } from './endpoints/embeddings.js'
import { feedbackRoutes } from './endpoints/feedback.js'
import { healthRoutes } from './endpoints/health.js'
import { inferenceRoutes } from './endpoints/inference.js'
import { metricsRoutes } from './endpoints/metrics.js'
import { modelRoutes } from './endpoints/models.js'
import { noLocalModelsRoutes } from './endpoints/no-local-models.js'
import { ocrRoutes } from './endpoints/ocr.js'
import { recordAnswer } from './endpoints/record-answer.js'
import { repositoryRoutes } from './endpoints/repository.js'
import { rolloutRoutes } from './endpoints/rollout.js'
import { statisticsRoutes } from './endpoints/statistics.js'
import { vadRoutes } from './endpoints/vad.js'
import { type AuthOptions, apiKeyAuth } from './http/auth.js'
import { bodyLimit } from './http/body-limit.js'
import { type ErrorLogger, errorBody, handleError, notFoundRoute } from './http/errors.js'
import { requestIds } from './http/request-id.js'
import { Admission } from './limits/admission.js'
import { rateLimits } from './limits/rate-limit.js'
import type { RateLimiter } from './limits/rate-limiter.js'
import type { ModelRegistry } from './models/registry.js'
import { observeRequests, type RequestLog } from './observability/observe-requests.js'
import { QualityMonitor } from './quality/quality-monitor.js'
import { type Ablation, noAblation } from './routing/ablation.js'
import { createRouter } from './routing/create-router.js'
import type { Router } from './routing/router.js'
import type { OcrService } from './tasks/ocr/types.js'

export const SERVER_NAME = 'modelport'
export const SERVER_VERSION = '0.1.0'

export interface AppOptions {
  /**
   * The local models. Without one (the edge build) only routes are served: `/v1/models` lists them, and
   * the endpoints that run local models (tensor inference, OCR, VAD) answer a 404 that says why.
   */
  registry?: ModelRegistry
  /** Largest request body, in bytes (default 64 MiB). */
  maxBodyBytes?: number
  /** Most elements one input tensor may have (default 16 Mi). */
  maxTensorElements?: number
  /** Longest audio `/v1/audio/vad` accepts, in seconds (default 3600). */
  maxAudioSeconds?: number
  /** Local embeddings models (repository models of task `embeddings`), for the `local` provider. */
  localEmbeddings?: LocalEmbeddings
  /** Local chat models (the repository's chat folders), for the `local` provider. */
  localChat?: LocalChat
  /** Serves the API reference at `/docs` (the contract is at `/openapi.json` either way). */
  docs?: DocsOptions
  /** Routes to remote providers and local models (default: no routes; local embeddings models only). */
  router?: Router
  /** Text recognition for `POST /v1/ocr` (the Node entry injects one that decodes with sharp). */
  ocr?: OcrService
  /** Size limits (the config file's `limits`); `maxBodyBytes` and the like above win over these. */
  limits?: Partial<RequestLimits>
  /**
   * API keys: once any is configured, every endpoint but health, `/docs` and `/openapi.json` needs one,
   * and the repository endpoints (load, unload, index) an admin one.
   */
  auth?: AuthOptions
  /** Where per-key requests- and tokens-per-minute limits are counted (the keys carry the limits). */
  rateLimiter?: RateLimiter
  /** Request, routing and rate-limit measurements; with `render`, exported at `GET /metrics`. */
  metrics?: Metrics
  /** Live quality per model version from feedback, and input drift (default: its own, in memory). */
  quality?: QualityMonitor
  /** With `info`, one access log line per request as well. */
  log?: ErrorLogger & Partial<RequestLog> & { warn?: RequestLog['info'] }
  /** Features the gateway benchmark switches off to measure them (default none). */
  ablate?: Ablation
}

export function createApp(options: AppOptions) {
  const limits: RequestLimits = { ...defaultLimits, ...options.limits }
  const maxBodyBytes = options.maxBodyBytes ?? limits.maxBodyBytes
  const log = options.log ?? { error: (message, fields) => console.error(message, fields) }
  const metrics = options.metrics
  const ablate = options.ablate ?? noAblation
  const app = new Hono()
  const router =
    options.router ??
    createRouter(emptyConfig, {
      localEmbeddings: options.localEmbeddings,
      localChat: options.localChat,
    })
  // Mounted ahead of every middleware, chat answers before the chain runs.
  if (ablate.has('middleware')) app.route('/', chatRoutes(router, log, ablate))
  if (!ablate.has('request-id')) app.use(requestIds())
  if (metrics || log.info) {
    const access = log.info ? { info: log.info, debug: log.debug } : undefined
    app.use(observeRequests({ metrics: metrics ?? noMetrics, log: access }))
  }
  if (options.auth) app.use(apiKeyAuth(options.auth))
  if (options.rateLimiter) {
    const onRefused = (key: string, limit: 'requests' | 'tokens') => metrics?.rateLimited(key, limit)
    app.use(rateLimits({ limiter: options.rateLimiter, log: log.warn && { warn: log.warn }, onRefused }))
  }
  app.use((c, next) => {
    c.set('maxArrayLength', limits.maxArrayLength)
    return next()
  })
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => {
        const error = tooLarge(`The request body is over the limit of ${maxBodyBytes} bytes (maxBodyBytes).`)
        return c.json(errorBody(c.req.path, error), 413)
      },
    }),
  )
  // Local-model work is admitted per task and, across them, up to a process-wide number in flight.
  const inFlight = new Admission('local models', 'maxInFlight', { concurrency: limits.maxInFlight, queue: 0 })
  const admissions = {
    inference: [inFlight],
    ocr: [
      inFlight,
      new Admission('OCR', 'ocrConcurrency, ocrQueue', {
        concurrency: limits.ocrConcurrency,
        queue: limits.ocrQueue,
      }),
    ],
    vad: [
      inFlight,
      new Admission('VAD', 'vadConcurrency, vadQueue', {
        concurrency: limits.vadConcurrency,
        queue: limits.vadQueue,
      }),
    ],
  }
  app.route(
    '/',
    healthRoutes(() => options.registry?.serving ?? true),
  )
  app.route('/', docsRoutes(options.docs))
  if (metrics?.render) app.route('/', metricsRoutes(metrics.render))
  app.route('/', modelRoutes(options.registry, router))
  if (!ablate.has('middleware')) app.route('/', chatRoutes(router, log, ablate))
  app.route('/', embeddingsRoutes(router))
  if (options.registry) {
    const quality = options.quality ?? new QualityMonitor()
    // Before the inference routes: `/v2/models/stats` would otherwise be read as a model's metadata.
    app.route('/', statisticsRoutes(options.registry, quality))
    app.route('/', feedbackRoutes(options.registry, quality))
    app.route('/', repositoryRoutes(options.registry))
    app.route('/', rolloutRoutes(options.registry))
    app.route(
      '/',
      inferenceRoutes({
        registry: options.registry,
        server: {
          name: SERVER_NAME,
          version: SERVER_VERSION,
          extensions: ['binary_tensor_data', 'model_repository', 'statistics'],
        },
        maxTensorElements: options.maxTensorElements ?? limits.maxTensorElements,
        maxBytesElements: limits.maxBytesElements,
        maxOutputBytes: limits.maxOutputBytes,
        maxJsonBodyBytes: limits.maxJsonBodyBytes,
        admissions: admissions.inference,
        onAnswered: (answered) => recordAnswer(quality, answered),
      }),
    )
    const maxAudioSeconds = options.maxAudioSeconds ?? limits.maxAudioSeconds
    app.route('/', vadRoutes({ registry: options.registry, maxAudioSeconds, admissions: admissions.vad }))
  }
  if (options.ocr) app.route('/', ocrRoutes(options.ocr, admissions.ocr))
  if (!options.registry) app.route('/', noLocalModelsRoutes({ name: SERVER_NAME, version: SERVER_VERSION }))
  app.notFound(notFoundRoute)
  app.onError(handleError(log))
  return app
}

export type App = ReturnType<typeof createApp>
