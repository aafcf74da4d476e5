export { createOpenAICompatible, type OpenAICompatibleOptions } from './openai-compatible-provider.js'
