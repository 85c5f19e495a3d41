/** Where an HTTP provider's requests go and which variable its key comes from, when the config says neither. */
export const HTTP_PROVIDER_DEFAULTS: Readonly<Record<string, { baseUrl: string; keyVariable: string }>> = {
  openai: { baseUrl: 'https://api.openai.com/v1', keyVariable: 'OPENAI_API_KEY' },
  anthropic: { baseUrl: 'https://api.anthropic.com', keyVariable: 'ANTHROPIC_API_KEY' }
}
