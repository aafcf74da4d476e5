/** `POST /v1/chat/completions`: OpenAI-compatible chat over routed providers, JSON or server-sent events. */
import { Hono } from 'hono'
import type { RequestIdVariables } from 'hono/request-id'
import { type ChatRequest, upstreamText } from '../core/provider.js'
import type { Validator } from '../generated/validators.js'
import { ChatCompletionRequest as validateChatRequest } from '../generated/validators.js'
import { readJson } from '../http/body.js'
import { clientSignal } from '../http/client-signal.js'
import { chatTokens, meterChatStream } from '../limits/token-usage.js'
import { type Ablation, noAblation } from '../routing/ablation.js'
import type { RoutingTrace } from '../routing/route.js'
import type { CallContext, Router } from '../routing/router.js'
import { chatEventStream, type StreamLog } from './chat-event-stream.js'
import { setRoutingHeaders } from './routing-headers.js'

export function chatRoutes(router: Router, log: StreamLog, ablate: Ablation = noAblation) {
  const headers = ablate.has('routing-headers') ? () => {} : setRoutingHeaders
  const validate: Validator = ablate.has('validation') ? alwaysValid : validateChatRequest
  const passThrough = ablate.has('reserialization')
  return new Hono<{ Variables: RequestIdVariables }>().post('/v1/chat/completions', async (c) => {
    const trace: RoutingTrace = { attempts: 0 }
    const context: CallContext = { requestId: c.get('requestId') ?? '', signal: clientSignal(c), trace }
    try {
      const request = passThrough
        ? sent<ChatRequest>(context, await c.req.text())
        : await readJson<ChatRequest>(c, validate)
      const route = router.resolve(request.model, 'chat')
      c.set('model', route.name)
      const charge = c.get('chargeTokens')
      if (request.stream) {
        const stream = await router.chatStream(route, request, context)
        headers(c, trace)
        const metered = charge ? meterChatStream(stream, request, charge) : stream
        return chatEventStream(c, metered, log, context.requestId)
      }
      const completion = await router.chat(route, request, context)
      headers(c, trace)
      charge?.(chatTokens(request, completion))
      const text = (completion as { [upstreamText]?: string })[upstreamText]
      return text === undefined
        ? c.json(completion)
        : c.body(text, 200, { 'content-type': 'application/json' })
    } catch (error) {
      headers(c, trace)
      throw error
    }
  })
}

/** The `validation` ablation: every body passes. */
const alwaysValid = Object.assign(() => true, { errors: null }) as unknown as Validator

/** The `reserialization` ablation: the body parsed for routing, its bytes kept to forward as sent. */
function sent<T>(context: CallContext, text: string): T {
  context.sentBody = text
  return JSON.parse(text) as T
}
