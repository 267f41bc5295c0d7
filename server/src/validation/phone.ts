// Phone numbers need more than the E.164 shape the shared validator checks: `+1602000000` looks
// like E.164 but no US number has nine digits after the country code. libphonenumber-js knows
// each country's lengths; its `min` metadata build (~80 KB) carries exactly that, and the server
// is the only place it runs, so browsers never download it.
import { isPossiblePhoneNumber } from 'libphonenumber-js/min';
import { checkPhoneNumber } from 'belfry/protocol';

/** Checks a phone number: E.164 and of a possible length for its country; null when fine. */
export function checkPossiblePhoneNumber(value: unknown): string | null {
  const shape = checkPhoneNumber(value);
  if (shape) return shape;
  return isPossiblePhoneNumber(value as string) ? null : 'is not a possible phone number for its country code';
}
