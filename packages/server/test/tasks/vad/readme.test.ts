/** The docs' voice activity example (docs/tasks.md), run as written (espeak-ng, then curl) against a live server. */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../../src/node.js'
import { assertMatchesContract } from '../../support/contract.js'
import { hasEspeak } from './speech.js'

const run = promisify(execFile)
const readme = fileURLToPath(new URL('../../../../../docs/tasks.md', import.meta.url))

/** The shell block under `## Voice activity`, without its comment lines. */
async function readmeCommands(): Promise<string[]> {
  const text = await readFile(readme, 'utf8')
  const section = text.slice(text.indexOf('## Voice activity'))
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? ''
  return block.split('\n').filter((line) => line.trim() && !line.startsWith('#'))
}

describe.skipIf(!hasEspeak())('docs: voice activity', () => {
  let server: RunningServer
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modelport-readme-vad-'))
    server = await startServer({ port: 0, modelsDir: dir, log: { info() {}, warn() {}, error() {} } })
  })
  afterAll(async () => {
    await server.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('speaks a sentence and finds it with curl over a real socket', async () => {
    const commands = await readmeCommands()
    expect(commands.map((c) => c.split(' ')[0])).toEqual(['espeak-ng', 'curl'])
    let stdout = ''
    for (const command of commands) {
      const local = command.replace('localhost:8080', `127.0.0.1:${server.port}`)
      stdout = (await run('sh', ['-c', local], { cwd: dir })).stdout
    }
    const body = JSON.parse(stdout) as { duration: number; segments: { start: number; end: number }[] }
    assertMatchesContract('POST', '/v1/audio/vad', 200, body)
    expect(body.segments).toHaveLength(1)
    expect(body.segments[0]?.start).toBeLessThan(0.2)
    expect(body.segments[0]?.end).toBeGreaterThan(body.duration - 0.4)
  })
})
