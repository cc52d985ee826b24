import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/** "to.1 must be an email": one line per problem, with the path to the field. */
export function describeValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => message.replace(error.property, path));
    return [...own, ...describeValidationErrors(error.children ?? [], path)];
  });
}

/**
 * One validation for REST and GraphQL: unknown fields are refused, types converted, and a
 * bad body is a 400 whose `message` lists every problem by field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new BadRequestException(describeValidationErrors(errors)),
  });
}
