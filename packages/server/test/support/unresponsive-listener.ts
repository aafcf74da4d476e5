/**
 * A loopback port whose connects time out. A worker thread listens with a backlog of 1 and then blocks,
 * so nothing ever accepts; two filler connections fill the accept queue, and Linux then drops every
 * further SYN. A client's connect hangs until its own connect timeout fires, with no packet leaving
 * the machine. (A closed port would refuse at once; this is the other failure.)
 */
import { connect, type Socket } from 'node:net'
import { Worker } from 'node:worker_threads'

const listener = `
const { parentPort, workerData } = require('node:worker_threads')
const server = require('node:net').createServer()
server.listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => {
  parentPort.postMessage(server.address().port)
  Atomics.wait(workerData, 0, 0)
  server.close()
})
`

export async function unresponsiveListener(): Promise<{ url: string; close(): Promise<void> }> {
  const release = new Int32Array(new SharedArrayBuffer(4))
  const worker = new Worker(listener, { eval: true, workerData: release })
  const port = await new Promise<number>((done) => worker.once('message', done))
  const fillers: Socket[] = []
  for (let i = 0; i < 2; i++) {
    const socket = connect(port, '127.0.0.1')
    socket.on('error', () => {})
    await new Promise((done) => socket.once('connect', done))
    fillers.push(socket)
  }
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const socket of fillers) socket.destroy()
      Atomics.store(release, 0, 1)
      Atomics.notify(release, 0)
      await new Promise((done) => worker.once('exit', done))
    },
  }
}

/** A port that refuses connections: opened, then closed. */
export async function refusedUrl(): Promise<string> {
  const { createServer } = await import('node:net')
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  await new Promise((done) => server.close(done))
  return `http://127.0.0.1:${port}`
}
