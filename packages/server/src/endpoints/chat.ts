/** `POST /v1/chat/completions`: OpenAI-compatible chat over routed providers, JSON or server-sent events. */
import { Hono } from 'hono'
import type { RequestIdVariables } from 'hono/request-id'
import type { ChatRequest } from '../core/provider.js'
import { ChatCompletionRequest as validateChatRequest } from '../generated/validators.js'
import { readJson } from '../http/body.js'
import { clientSignal } from '../http/client-signal.js'
import { chatTokens, meterChatStream } from '../limits/token-usage.js'
import type { RoutingTrace } from '../routing/route.js'
import type { Router } from '../routing/router.js'
import { chatEventStream, type StreamLog } from './chat-event-stream.js'
import { setRoutingHeaders } from './routing-headers.js'

export function chatRoutes(router: Router, log: StreamLog) {
  return new Hono<{ Variables: RequestIdVariables }>().post('/v1/chat/completions', async (c) => {
    const trace: RoutingTrace = { attempts: 0 }
    const context = { requestId: c.get('requestId'), signal: clientSignal(c), trace }
    try {
      const request = await readJson<ChatRequest>(c, validateChatRequest)
      const route = router.resolve(request.model, 'chat')
      c.set('model', route.name)
      const charge = c.get('chargeTokens')
      if (request.stream) {
        const stream = await router.chatStream(route, request, context)
        setRoutingHeaders(c, trace)
        const metered = charge ? meterChatStream(stream, request, charge) : stream
        return chatEventStream(c, metered, log, context.requestId)
      }
      const completion = await router.chat(route, request, context)
      setRoutingHeaders(c, trace)
      charge?.(chatTokens(request, completion))
      return c.json(completion)
    } catch (error) {
      setRoutingHeaders(c, trace)
      throw error
    }
  })
}
