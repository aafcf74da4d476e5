/**
 * `POST /v1/embeddings`: OpenAI-compatible embeddings from a route or a local embeddings model.
 * Targets always answer with floats; `encoding_format: base64` is encoded here, once.
 */
import { Hono } from 'hono'
import type { RequestIdVariables } from 'hono/request-id'
import type { EmbeddingsRequest, EmbeddingsResponse } from '../core/provider.js'
import { EmbeddingsRequest as validateEmbeddingsRequest } from '../generated/validators.js'
import { readJson } from '../http/body.js'
import { clientSignal } from '../http/client-signal.js'
import { estimateEmbeddingsTokens, usedTokens } from '../limits/token-usage.js'
import { encodeEmbedding } from '../providers/embedding-base64.js'
import type { RoutingTrace } from '../routing/route.js'
import type { Router } from '../routing/router.js'
import { setRoutingHeaders } from './routing-headers.js'

export function embeddingsRoutes(router: Router) {
  return new Hono<{ Variables: RequestIdVariables }>().post('/v1/embeddings', async (c) => {
    const trace: RoutingTrace = { attempts: 0 }
    try {
      const request = await readJson<EmbeddingsRequest>(c, validateEmbeddingsRequest)
      const route = router.resolve(request.model, 'embeddings')
      c.set('model', route.name)
      const answer = await router.embeddings(route, request, {
        requestId: c.get('requestId'),
        signal: clientSignal(c),
        trace,
      })
      setRoutingHeaders(c, trace)
      c.get('chargeTokens')?.(usedTokens(answer.usage, () => estimateEmbeddingsTokens(request)))
      if (request.encoding_format !== 'base64') return c.json(answer)
      const data = answer.data.map((item) => ({
        ...item,
        embedding: encodeEmbedding(item.embedding as number[]),
      }))
      return c.json({ ...answer, data } satisfies EmbeddingsResponse)
    } catch (error) {
      setRoutingHeaders(c, trace)
      throw error
    }
  })
}
