/**
 * JSON Schema of GitHub Models prompt files (`*.prompt.yml`). Descriptions double as the hint a
 * user sees when a required key is missing, so they say what to write.
 *
 * Rules a schema states poorly (exactly one of `string`, `llm` or `uses`; known built-ins; JSON in
 * `jsonSchema`) are checked in code after validation, with clearer messages.
 */
const scalar = { type: ['string', 'number', 'boolean'] }

const stringEvaluator = {
  type: 'object',
  description: 'one comparison with the output, e.g. {contains: "Summary"}',
  additionalProperties: false,
  properties: {
    contains: { ...scalar, description: 'text the output contains (case-insensitive)' },
    equals: { ...scalar, description: 'text the output equals exactly' },
    startsWith: { ...scalar, description: 'text the output starts with (case-insensitive)' },
    endsWith: { ...scalar, description: 'text the output ends with (case-insensitive)' }
  }
}

const llmEvaluator = {
  type: 'object',
  description: 'an LLM judge: {prompt, choices, modelId?, systemPrompt?}',
  required: ['prompt', 'choices'],
  additionalProperties: false,
  properties: {
    modelId: { type: 'string', minLength: 1, description: 'the judge model, e.g. "openai/gpt-4o-mini"' },
    prompt: {
      type: 'string',
      minLength: 1,
      description: 'the text sent to the judge, with {{completion}} for the output'
    },
    systemPrompt: { type: 'string', description: 'a system message for the judge' },
    choices: {
      type: 'array',
      minItems: 1,
      description:
        'the judge\'s possible answers and their scores, e.g. [{choice: "Yes", score: 1}, {choice: "No", score: 0}]',
      items: {
        type: 'object',
        required: ['choice', 'score'],
        additionalProperties: false,
        properties: {
          choice: { ...scalar, minLength: 1, description: 'an answer the judge may give, e.g. "Yes"' },
          score: {
            type: 'number',
            minimum: 0,
            maximum: 1,
            description: 'the score of that answer, between 0 and 1'
          }
        }
      }
    }
  }
}

export const githubModelsPromptSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'GitHub Models prompt file (*.prompt.yml)',
  type: 'object',
  required: ['messages'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', description: 'a display name' },
    description: { type: 'string', description: 'what the prompt is for' },
    model: { type: 'string', minLength: 1, description: 'the model that answers, e.g. "openai/gpt-4o-mini"' },
    modelParameters: {
      type: 'object',
      description: 'sampling settings: maxTokens, temperature, topP',
      additionalProperties: false,
      properties: {
        maxTokens: { type: 'integer', minimum: 1, description: 'the most tokens the model may generate' },
        temperature: { type: 'number', minimum: 0, maximum: 2, description: 'sampling temperature' },
        topP: { type: 'number', minimum: 0, maximum: 1, description: 'nucleus sampling probability mass' }
      }
    },
    responseFormat: {
      type: 'string',
      enum: ['text', 'json_object', 'json_schema'],
      description: 'the shape of the answer'
    },
    jsonSchema: {
      type: ['object', 'string'],
      description: 'with responseFormat json_schema: {name, schema}, as a YAML map or a JSON string'
    },
    messages: {
      type: 'array',
      minItems: 1,
      description: 'the chat messages, e.g. [{role: user, content: "Summarize {{input}}"}]',
      items: {
        type: 'object',
        required: ['role', 'content'],
        additionalProperties: false,
        properties: {
          role: {
            type: 'string',
            enum: ['system', 'user', 'assistant'],
            description: 'system, user or assistant'
          },
          content: { type: 'string', description: 'the message text, with {{var}} placeholders' }
        }
      }
    },
    testData: {
      type: 'array',
      description: 'the golden set: one map of variables per example',
      items: {
        type: 'object',
        description: 'the variables of one example, e.g. {input: "...", expected: "..."}'
      }
    },
    evaluators: {
      type: 'array',
      description: 'checks on each output',
      items: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1, description: 'the metric name shown in the report' },
          string: stringEvaluator,
          llm: llmEvaluator,
          uses: {
            type: 'string',
            minLength: 1,
            description: 'a built-in evaluator, e.g. "github/similarity"'
          }
        }
      }
    }
  }
}
