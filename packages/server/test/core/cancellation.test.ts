/** The routing path's cancellation: AbortSignal semantics without an EventTarget per request. */
import { describe, expect, it } from 'vitest'
import { Cancellation, childCancellation, toAbortSignal } from '../../src/core/cancellation.js'

describe('Cancellation', () => {
  it('aborts once, calling each listener once in the order added, with the first reason kept', () => {
    const cancellation = new Cancellation()
    const calls: string[] = []
    const first = () => calls.push('first')
    cancellation.addEventListener('abort', first)
    cancellation.addEventListener('abort', first)
    cancellation.addEventListener('abort', () => calls.push(`second saw ${String(cancellation.reason)}`))
    cancellation.abort('gone')
    cancellation.abort('again')
    expect(calls).toEqual(['first', 'second saw gone'])
    expect(cancellation.aborted).toBe(true)
    expect(cancellation.reason).toBe('gone')
  })

  it('does not call removed listeners, nor listeners added after the abort', () => {
    const cancellation = new Cancellation()
    let calls = 0
    const listener = () => calls++
    cancellation.addEventListener('abort', listener)
    cancellation.removeEventListener('abort', listener)
    cancellation.abort()
    cancellation.addEventListener('abort', listener)
    expect(calls).toBe(0)
  })

  it('defaults the reason to an AbortError, as AbortController does', () => {
    const cancellation = new Cancellation()
    cancellation.abort()
    expect(cancellation.reason).toBeInstanceOf(DOMException)
    expect((cancellation.reason as DOMException).name).toBe('AbortError')
  })

  it('hands out one real AbortSignal that follows it, before or after the abort', () => {
    const early = new Cancellation()
    const signal = early.signal
    expect(early.signal).toBe(signal)
    expect(signal.aborted).toBe(false)
    early.abort('deadline')
    expect(signal.aborted).toBe(true)
    expect(signal.reason).toBe('deadline')

    const late = new Cancellation()
    late.abort('client')
    expect(late.signal.aborted).toBe(true)
    expect(late.signal.reason).toBe('client')
  })

  it('lets undici and fetch see an AbortSignal: toAbortSignal passes real ones through', () => {
    const controller = new AbortController()
    expect(toAbortSignal(controller.signal)).toBe(controller.signal)
    const cancellation = new Cancellation()
    expect(toAbortSignal(cancellation)).toBe(cancellation.signal)
  })
})

describe('childCancellation', () => {
  it('follows its parent until released', () => {
    const parent = new AbortController()
    const { cancellation, release } = childCancellation(parent.signal)
    parent.abort('parent gone')
    expect(cancellation.reason).toBe('parent gone')

    const other = new Cancellation()
    const child = childCancellation(other)
    child.release()
    other.abort()
    expect(child.cancellation.aborted).toBe(false)
    release()
  })

  it('is aborted at once when its parent already is', () => {
    const parent = new Cancellation()
    parent.abort('before')
    expect(childCancellation(parent).cancellation.reason).toBe('before')
  })
})
