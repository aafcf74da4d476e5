export { type AnthropicOptions, createAnthropic } from './anthropic-provider.js'
