/**
 * A real `redis-server` for tests: on a free loopback port, with no persistence, in a temporary folder,
 * stopped by `stop()`. `hasRedisServer()` says whether the binary is installed (`.ci/run` installs it).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface RedisServer {
  url: string
  port: number
  stop(): Promise<void>
}

export function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** A port the kernel says is free now (redis-server cannot be told to pick one itself). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer()
    probe.once('error', fail)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => done(port))
    })
  })
}

function waitUntilReady(child: ChildProcess): Promise<void> {
  return new Promise((done, fail) => {
    let output = ''
    const timer = setTimeout(() => fail(new Error(`redis-server did not start:\n${output}`)), 10_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        done()
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`redis-server exited with ${code}:\n${output}`))
    })
  })
}

export async function startRedisServer(): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'modelport-redis-'))
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ]
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      await waitUntilReady(child)
    } catch (error) {
      child.kill('SIGKILL')
      // Another process may have taken the port between the probe and the start.
      if (attempt < 3) continue
      await rm(dir, { recursive: true, force: true })
      throw error
    }
    child.stdout?.resume()
    child.stderr?.resume()
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      async stop() {
        if (child.exitCode === null) {
          const exited = new Promise((done) => child.once('exit', done))
          child.kill('SIGTERM')
          await exited
        }
        await rm(dir, { recursive: true, force: true })
      },
    }
  }
}
