import Fastify from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zodParseSerializerCompiler } from './zod-serializer.js';

describe('zodParseSerializerCompiler', () => {
  it('sends only declared fields and fails loudly on a response that breaks its schema', async () => {
    const app = Fastify().withTypeProvider<ZodTypeProvider>();
    app.setSerializerCompiler(zodParseSerializerCompiler);
    const schema = { response: { 200: z.object({ id: z.string(), count: z.number() }) } };
    app.get(
      '/ok',
      { schema },
      async () =>
        ({ id: 'a', count: 1, keyHash: 'must-not-leak' }) as { id: string; count: number },
    );
    app.get(
      '/broken',
      { schema },
      async () => ({ id: 'a', count: 'one' }) as unknown as { id: string; count: number },
    );

    const ok = await app.inject({ method: 'GET', url: '/ok' });
    expect(ok.json()).toEqual({ id: 'a', count: 1 });
    expect(ok.body).not.toContain('must-not-leak');
    expect((await app.inject({ method: 'GET', url: '/broken' })).statusCode).toBe(500);
    await app.close();
  });
});
