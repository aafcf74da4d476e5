/**
 * The Open Inference Protocol's statistics extension (`statistics`), in Triton's shape: per model
 * version, counts and cumulative durations since the server started.
 */
import type { components } from '@modelport/sdk'
import { Hono } from 'hono'
import type { ModelVersion } from '../lifecycle/model-version.js'
import type { BatchSizeStatistics } from '../lifecycle/statistics.js'
import type { ModelRegistry } from '../models/registry.js'
import type { QualityMonitor } from '../quality/quality-monitor.js'
import { qualityStatistics } from '../quality/quality-statistics.js'

type ModelStatistics = components['schemas']['ModelStatistics']
type BatchStatistics = components['schemas']['BatchStatistics']
type StatisticsResponse = components['schemas']['StatisticsResponse']

/** Each batch size run, smallest first (as Triton lists them); every execution counts once. */
function batchStatistics(batches: Map<number, BatchSizeStatistics>): BatchStatistics[] {
  return [...batches]
    .sort(([a], [b]) => a - b)
    .map(([size, batch]) => ({
      batch_size: size,
      compute_input: { count: batch.executions, ns: batch.inputNs },
      compute_infer: { count: batch.executions, ns: batch.inferNs },
      compute_output: { count: batch.executions, ns: batch.outputNs },
    }))
}

function describe(name: string, version: ModelVersion, quality?: QualityMonitor): ModelStatistics {
  const { statistics } = version.managed
  const judged = quality?.of(name, version.version)
  return {
    name,
    version: version.version,
    last_inference: statistics.lastInference,
    inference_count: statistics.inferenceCount,
    execution_count: version.managed.executionCount,
    inference_stats: {
      success: { ...statistics.success },
      fail: { ...statistics.fail },
      queue: { ...statistics.queue },
      compute_input: { ...statistics.computeInput },
      compute_infer: { ...statistics.computeInfer },
      compute_output: { ...statistics.computeOutput },
    },
    batch_stats: batchStatistics(statistics.batches),
    ...(judged && qualityStatistics(judged)),
  }
}

export function statisticsRoutes(registry: ModelRegistry, quality?: QualityMonitor) {
  const answer = (stats: ModelStatistics[]): StatisticsResponse => ({ model_stats: stats })
  return new Hono()
    .get('/v2/models/stats', (c) =>
      c.json(
        answer(
          registry.list().flatMap((entry) => entry.versions.map((v) => describe(entry.name, v, quality))),
        ),
      ),
    )
    .get('/v2/models/:model/stats', (c) => {
      const entry = registry.entry(c.req.param('model'))
      return c.json(answer(entry.versions.map((v) => describe(entry.name, v, quality))))
    })
    .get('/v2/models/:model/versions/:version/stats', (c) => {
      const { model, version } = c.req.param()
      const entry = registry.entry(model)
      return c.json(answer([describe(entry.name, registry.version(model, version), quality)]))
    })
}
