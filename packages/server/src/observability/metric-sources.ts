/**
 * What the state gauges read at scrape time: circuits and targets from the router, queues from the
 * registry, requests in flight from the HTTP server. Each is a getter: the metrics are made before
 * any of them, since the model loader and the router report to them.
 */
import type { ModelRegistry } from '../models/registry.js'
import type { Router } from '../routing/router.js'
import type { MetricSources } from './prometheus-metrics.js'

export function metricSources(
  router: () => Router,
  registry: () => ModelRegistry,
  inFlight?: () => number,
): MetricSources {
  return {
    ...(inFlight && { inFlight }),
    circuits: () => router().circuits(),
    targets: () =>
      router()
        .list()
        .flatMap((route) => route.targets.map((target) => target.key)),
    queues: () =>
      registry()
        .list()
        .map((entry) => ({
          model: entry.name,
          depth: entry.versions.reduce((sum, version) => sum + (version.model?.queued ?? 0), 0),
        })),
  }
}
