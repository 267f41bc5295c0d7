// User attributes as the service accepts them: the shared checks (names, sizes, count, email,
// E.164) plus the ones only the server can afford (possible phone numbers).
import { checkAttributes } from 'belfry/protocol';
import type { Attributes } from 'belfry/protocol';
import { invalidField } from '../errors.ts';
import { checkPossiblePhoneNumber } from './phone.ts';

/** Checks an attributes patch (`null` removes one); 400 naming the attribute after `prefix`. */
export function validAttributes(value: unknown, prefix = ''): Attributes {
  const problem = checkAttributes(value);
  if (problem) throw invalidField(prefix + problem.field, problem.message);
  const patch = value as Attributes;
  const phoneNumber = patch['phoneNumber'];
  if (phoneNumber !== undefined && phoneNumber !== null) {
    const phoneProblem = checkPossiblePhoneNumber(phoneNumber);
    if (phoneProblem) throw invalidField(`${prefix}phoneNumber`, phoneProblem);
  }
  return patch;
}
