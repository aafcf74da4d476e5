/** A thread started by hand, as the generation worker is: lowers itself, then says its nice value. */
import { getPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { lowerThisThread } from '../../../src/runtime/thread-priority.js'

lowerThisThread((workerData as { nice: number }).nice)
parentPort?.postMessage(getPriority())
