import stringWidth from 'string-width';

/** Characters a printer gives one column each: Latin scripts (not the soft hyphen), `•` and `€`. */
const oneColumnEach = /^[\u0020-\u007e\u00a0-\u00ac\u00ae-\u02ff\u2022\u20ac]*$/;

/**
 * The columns a printer gives a piece of text, for the receipt's layout: a
 * CJK character or an emoji takes two, a combining accent none. What almost
 * every receipt holds (Latin names, the card's dots, the euro sign) is
 * counted at once; anything else is measured by string-width, which costs
 * about four times as much per receipt.
 */
export const printerColumns = (text: string): number =>
  oneColumnEach.test(text) ? text.length : stringWidth(text);
