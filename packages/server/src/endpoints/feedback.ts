/**
 * `POST /v2/models/{model}/feedback`: ground truth for an earlier answer, named by its request id,
 * scored into the live quality of the version that answered.
 */
import { Hono } from 'hono'
import { FeedbackRequest as validateFeedbackRequest } from '../generated/validators.js'
import { readJson } from '../http/body.js'
import type { ModelRegistry } from '../models/registry.js'
import type { Feedback, QualityMonitor } from '../quality/quality-monitor.js'

export function feedbackRoutes(registry: ModelRegistry, quality: QualityMonitor) {
  return new Hono().post('/v2/models/:model/feedback', async (c) => {
    // Resolve the model before reading the body, so an unknown model is a 404 whatever was sent.
    const { name } = registry.entry(c.req.param('model'))
    const feedback = await readJson<Feedback>(c, validateFeedbackRequest)
    return c.json(quality.feedback(name, feedback))
  })
}
