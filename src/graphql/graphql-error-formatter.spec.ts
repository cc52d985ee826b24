import { BadRequestException } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { mercuriusErrorFormatter } from './graphql-error-formatter';

describe('mercuriusErrorFormatter', () => {
  const context = () => {
    const logged: Array<{ fields: object; message: string }> = [];
    const headers: Record<string, string> = {};
    return {
      logged,
      headers,
      ctx: {
        reply: {
          log: { error: (fields: object, message: string) => logged.push({ fields, message }) },
          header: (n: string, v: string) => (headers[n] = v),
        },
      },
    };
  };

  it('answers a server fault 500 with a hidden message and logs it with its stack', () => {
    const { logged, ctx } = context();
    const fault = new TypeError('cannot read x of undefined');
    const { statusCode, response } = mercuriusErrorFormatter(
      { errors: [new GraphQLError('cannot read x of undefined', { originalError: fault })] },
      ctx,
    );
    expect(statusCode).toBe(500);
    expect(response.errors[0]).toMatchObject({ message: 'Internal server error', extensions: { status: 500 } });
    expect(logged).toHaveLength(1);
    expect(logged[0].fields).toMatchObject({ err: fault });
  });

  it('keeps graphql-js, Mercurius and Fastify client errors as 4xx with their message, logging nothing', () => {
    const { logged, headers, ctx } = context();
    const mercuriusValidation = Object.assign(new Error('Graphql validation error'), {
      statusCode: 400,
      errors: [new GraphQLError('Cannot query field "x"')],
    });
    expect(
      mercuriusErrorFormatter({ errors: [new GraphQLError('wrapper', { originalError: mercuriusValidation })] }, ctx),
    ).toMatchObject({
      statusCode: 400,
      response: { errors: [{ message: 'Cannot query field "x"' }] },
    });
    const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413 });
    expect(
      mercuriusErrorFormatter({ errors: [new GraphQLError('x', { originalError: tooLarge })] }, ctx).statusCode,
    ).toBe(413);
    const getMutation = Object.assign(new Error('Method not allowed'), {
      statusCode: 405,
      errors: [new Error('Operation cannot be performed via a GET request')],
    });
    expect(
      mercuriusErrorFormatter({ errors: [new GraphQLError('x', { originalError: getMutation })] }, ctx).statusCode,
    ).toBe(405);
    expect(headers.allow).toBe('POST');
    expect(mercuriusErrorFormatter({ errors: [new GraphQLError('Syntax Error: Expected Name')] }, ctx).statusCode).toBe(
      400,
    );
    expect(
      mercuriusErrorFormatter(
        { errors: [new GraphQLError('x', { originalError: new BadRequestException(['limit must be 1 to 100']) })] },
        ctx,
      ),
    ).toMatchObject({
      statusCode: 400,
      response: { errors: [{ message: 'limit must be 1 to 100' }] },
    });
    expect(logged).toHaveLength(0);
  });

  it('answers 200 when data came back beside an error', () => {
    expect(
      mercuriusErrorFormatter(
        { data: { a: 1 }, errors: [new GraphQLError('x', { originalError: new BadRequestException('no') })] },
        context().ctx,
      ).statusCode,
    ).toBe(200);
  });
});
