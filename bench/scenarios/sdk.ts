/** (d) the SDK's `mp.infer()` against a raw `fetch` of the same JSON to the same server (simplenet). */
import { startChild } from '../lib/processes.ts'
import type { Measured } from '../lib/stats.ts'
import { alternate, type Suite } from '../lib/suite.ts'

export type SdkResults = Record<'c1' | 'c32', Record<'sdk' | 'fetch', Measured>>

export async function sdkOverhead(suite: Suite): Promise<SdkResults> {
  const server = startChild('servers/modelport.ts', { role: 'server', args: ['--models', '/nonexistent'] })
  const clients = startChild('lib/sdk-client.ts', { role: 'load' })
  try {
    const baseUrl = `http://127.0.0.1:${(await server.ready).ready}`
    await clients.ready
    const measure = (client: 'sdk' | 'fetch', connections: number) => () =>
      clients.request<Measured>({
        job: { baseUrl, client, connections, seconds: suite.seconds, warmupSeconds: suite.warmupSeconds },
      })
    suite.log('(d) SDK against raw fetch')
    return {
      c1: await alternate(suite, 'infer c=1', { fetch: measure('fetch', 1), sdk: measure('sdk', 1) }),
      c32: await alternate(suite, 'infer c=32', { fetch: measure('fetch', 32), sdk: measure('sdk', 32) }),
    }
  } finally {
    await Promise.all([server.stop(), clients.stop()])
  }
}
