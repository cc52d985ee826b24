import { registerDecorator, ValidationArguments } from 'class-validator';
import { parseRecipients } from '../../mail/recipients';

/** Recipients as parseRecipients reads them (display names, lists), each problem named. */
export function IsRecipientList(max: number): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isRecipientList',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [max],
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          parseRecipients(args.property, value, max).errors.length === 0,
        defaultMessage: (args: ValidationArguments) =>
          parseRecipients(args.property, args.value, max).errors.join('; '),
      },
    });
}
