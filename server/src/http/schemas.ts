import { z } from 'zod';
import { AppError, ErrorCode } from '@consult/shared';
import type { FastifyInstance } from 'fastify';

/**
 * Routes declare zod schemas; Fastify sees their JSON Schema (so @fastify/swagger
 * documents them) and validates with zod itself through this compiler. One schema,
 * two uses: the OpenAPI document is generated, never written by hand.
 */
const zodOf = new WeakMap<object, z.ZodType>();

export function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  zodOf.set(json, schema);
  return json;
}

export function useZodValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const zod = zodOf.get(schema);
    if (!zod) throw new Error('route schema was not built with jsonSchema()');
    return (data: unknown) => {
      const result = zod.safeParse(data);
      if (result.success) return { value: result.data };
      const issues = result.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
      const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      return { error: new AppError(ErrorCode.VALIDATION, `invalid ${httpPart ?? 'request'}: ${summary}`, issues) };
    };
  });
  // Replies are plain JSON; response schemas are there for the documentation.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}

/** A documented answer that is not JSON (or not only): one schema per content type, strings or binary. */
export function rawReply(description: string, content: Record<string, 'text' | 'binary' | 'json'>, headers?: Record<string, string>): Record<string, unknown> {
  return {
    description,
    content: Object.fromEntries(
      Object.entries(content).map(([type, kind]) => [
        type,
        {
          schema:
            kind === 'json' ? { type: 'object', additionalProperties: true } : kind === 'binary' ? { type: 'string', format: 'binary' } : { type: 'string' },
        },
      ]),
    ),
    ...(headers ? { headers: Object.fromEntries(Object.entries(headers).map(([name, text]) => [name, { type: 'string', description: text }])) } : {}),
  };
}

/** A JSON answer described in words (its type lives in shared/ as a TypeScript interface). */
export function objectReply(description: string): Record<string, unknown> {
  return { description, type: 'object', additionalProperties: true };
}

/** An operationId from the method and path: `GET /api/consultations/:id/minutes` → `getConsultationsByIdMinutes`. */
export function operationIdOf(method: string, url: string): string {
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const words = url
    .split('/')
    .filter((seg) => seg !== '' && seg !== 'api')
    .map((seg) =>
      seg.startsWith(':')
        ? `By${cap(seg.slice(1))}`
        : seg
            .split(/[^A-Za-z0-9]+/)
            .map(cap)
            .join(''),
    );
  return method.toLowerCase() + words.join('');
}
