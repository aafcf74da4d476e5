/** Hands an answered tensor request to the quality monitor, with its shadow's answer once that is in. */

import type { QualityMonitor } from '../quality/quality-monitor.js'
import { RoutedModel } from '../rollout/routed-model.js'
import type { AnsweredRequest } from './inference.js'

export function recordAnswer(quality: QualityMonitor, answered: AnsweredRequest): void {
  const { id, model, version, inputs, output, outputName, ran } = answered
  quality.served(id, model, version, inputs, output)
  if (!(ran instanceof RoutedModel) || !ran.shadowAnswer || outputName === undefined) return
  void ran.shadowAnswer.then((shadow) => {
    if (shadow) quality.shadowServed(id, model, shadow.version, shadow.results[outputName])
  })
}
