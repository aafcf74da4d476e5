/**
 * (c) the gateway: a loopback OpenAI-like upstream called directly, through modelport (a fallback route
 * of two targets, an API key required, metrics on), through a bare Hono + undici pass-through proxy
 * (the floor), and through Portkey's gateway (the peer); non-streamed chat at concurrency 1 and 32.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { freePort, startChild, startExternal } from '../lib/processes.ts'
import type { Measured } from '../lib/stats.ts'
import { alternate, loadJob, type Suite } from '../lib/suite.ts'

/** A 300-byte chat request. */
export const chatRequest = JSON.stringify({
  model: 'chat-bench',
  messages: [
    { role: 'system', content: 'You are a helpful assistant who answers briefly.' },
    {
      role: 'user',
      content:
        'Summarise in one short sentence why dynamic batching helps a model server keep its cores busy.',
    },
  ],
  temperature: 0.2,
  max_tokens: 64,
})

export type GatewayPath = 'direct' | 'modelport' | 'bare' | 'portkey'
export type GatewayResults = Record<'c1' | 'c32', Record<GatewayPath, Measured>> & { requestBytes: number }

/** modelport's config for the scenario: a fallback route of two targets on the same upstream. */
export function gatewayConfig(upstreamUrl: string) {
  return {
    providers: {
      primary: { type: 'openai-compatible', baseUrl: `${upstreamUrl}/v1`, apiKey: 'bench-upstream-key' },
      backup: { type: 'openai-compatible', baseUrl: `${upstreamUrl}/v1`, apiKey: 'bench-upstream-key' },
    },
    routes: {
      'chat-bench': {
        strategy: 'fallback',
        targets: [
          { provider: 'primary', model: 'bench-model' },
          { provider: 'backup', model: 'bench-model' },
        ],
      },
    },
  }
}

const portkeyDir = dirname(createRequire(import.meta.url).resolve('@portkey-ai/gateway/package.json'))

export async function gateway(suite: Suite): Promise<GatewayResults> {
  const upstream = startChild('servers/upstream.ts', { role: 'server' })
  const upstreamUrl = `http://127.0.0.1:${(await upstream.ready).ready}`
  const dir = await mkdtemp(join(tmpdir(), 'modelport-bench-gateway-'))
  const config = join(dir, 'modelport.json')
  await writeFile(config, JSON.stringify(gatewayConfig(upstreamUrl)))
  const modelport = startChild('servers/modelport.ts', {
    role: 'server',
    args: ['--models', join(dir, 'no-models'), '--config', config, '--api-keys', 'bench-client-key'],
  })
  const bare = startChild('servers/bare-proxy.ts', { role: 'server', args: [upstreamUrl] })
  const portkeyPort = await freePort()
  let portkey: { stop(): Promise<void> } | undefined
  try {
    portkey = await startExternal(
      [join(portkeyDir, 'build', 'start-server.js'), `--port=${portkeyPort}`, '--headless'],
      `http://127.0.0.1:${portkeyPort}/`,
    )
    const urls: Record<GatewayPath, { url: string; headers: Record<string, string> }> = {
      direct: { url: `${upstreamUrl}/v1/chat/completions`, headers: {} },
      modelport: {
        url: `http://127.0.0.1:${(await modelport.ready).ready}/v1/chat/completions`,
        headers: { authorization: 'Bearer bench-client-key' },
      },
      bare: { url: `http://127.0.0.1:${(await bare.ready).ready}/v1/chat/completions`, headers: {} },
      portkey: {
        url: `http://127.0.0.1:${portkeyPort}/v1/chat/completions`,
        headers: {
          'x-portkey-provider': 'openai',
          'x-portkey-custom-host': `${upstreamUrl}/v1`,
          authorization: 'Bearer bench-upstream-key',
        },
      },
    }
    // Every path must answer a real completion before it is timed.
    for (const [name, { url, headers }] of Object.entries(urls)) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: chatRequest,
      })
      const text = await response.text()
      if (response.status !== 200 || !text.includes('chat.completion')) {
        throw new Error(`${name} answered ${response.status}: ${text.slice(0, 300)}`)
      }
    }
    const body = Buffer.from(chatRequest).toString('base64')
    const variants = (connections: number) =>
      Object.fromEntries(
        Object.entries(urls).map(([name, { url, headers }]) => [
          name,
          () =>
            loadJob(suite, {
              url,
              method: 'POST',
              headers: { 'content-type': 'application/json', ...headers },
              body,
              connections,
            }),
        ]),
      ) as Record<GatewayPath, () => Promise<Measured>>
    suite.log('(c) gateway')
    const c1 = await alternate(suite, 'chat c=1', variants(1))
    const c32 = await alternate(suite, 'chat c=32', variants(32))
    return { c1, c32, requestBytes: Buffer.byteLength(chatRequest) }
  } finally {
    await Promise.all([upstream.stop(), modelport.stop(), bare.stop(), portkey?.stop()])
    await rm(dir, { recursive: true, force: true })
  }
}
