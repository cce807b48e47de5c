import { compile, type MessageCompiler } from '@intlify/core-base';

/** A text with none of the message syntax ({name}, @:link, plural |, %): used as it is. */
const PLAIN = /^[^{}@|%]*$/;

/**
 * Most texts are plain; vue-i18n would still tokenize and parse each one the first time it is shown
 * (on a phone, tens of milliseconds of every page's start). Only texts with placeholders, links or
 * plurals go through its compiler. (vue-i18n calls a compiler of one's own experimental:
 * test/web/i18n-messages.test.ts checks that every text reads as its own compiler reads it.)
 */
export const compileMessage: MessageCompiler = (message, context) =>
  typeof message === 'string' && PLAIN.test(message) ? () => message : compile(message, context);
