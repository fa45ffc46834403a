export type DeclineCode =
  'generic_decline' | 'insufficient_funds' | 'expired_card' | 'incorrect_cvc';

export type CardCheck =
  | { outcome: 'approved' }
  | { outcome: 'declined'; declineCode: DeclineCode; message: string }
  | { outcome: 'invalid' };

/**
 * The cards that decline, by number. The numbers are the ones card networks and most
 * processors publish for testing, so a client's fixtures work against real sandboxes too.
 * Every other Luhn-valid number is approved.
 */
export const decliningCards: Readonly<
  Record<string, { declineCode: DeclineCode; message: string }>
> = {
  '4000000000000002': { declineCode: 'generic_decline', message: 'The card was declined.' },
  '4000000000009995': {
    declineCode: 'insufficient_funds',
    message: 'The card has insufficient funds.',
  },
  '4000000000000069': { declineCode: 'expired_card', message: 'The card has expired.' },
  '4000000000000127': {
    declineCode: 'incorrect_cvc',
    message: "The card's security code is incorrect.",
  },
};

export const approvedTestCard = '4242424242424242';

/** The Luhn (mod 10) check digit test that every payment card number passes (ISO/IEC 7812). */
export function passesLuhn(number: string): boolean {
  if (!/^\d+$/.test(number)) return false;
  let sum = 0;
  for (let i = 0; i < number.length; i += 1) {
    let digit = Number(number[number.length - 1 - i]);
    // Every second digit from the right is doubled; a two-digit result counts as its digit sum.
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** What the sandbox issuer answers for a card number (already known to be 12–19 digits). */
export function checkCard(number: string): CardCheck {
  if (!passesLuhn(number)) return { outcome: 'invalid' };
  const decline = decliningCards[number];
  return decline ? { outcome: 'declined', ...decline } : { outcome: 'approved' };
}
