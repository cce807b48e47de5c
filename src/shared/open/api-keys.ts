/**
 * the open API's free keys and their limits, shared by the server (enforcement) and the user's
 * centre (what it tells the user before they hit a limit).
 */
/** Every key starts so; a key found in a log or a repository is recognisable as ours. */
export const API_KEY_PREFIX = 'gsk_';
/** Characters of the key shown to its owner after creation (the prefix included), enough to tell keys apart. */
export const API_KEY_SHOWN_CHARS = 12;
/** Active keys one account may hold: enough for a few applications, too few to multiply the quota. */
export const MAX_ACTIVE_KEYS = 5;
/** Calls per key in any sliding minute. */
export const DEFAULT_RATE_PER_MINUTE = 60;
/** Calls per key per Beijing day. */
export const DEFAULT_DAILY_QUOTA = 10_000;
/** Days of per-key statistics the user's centre shows. */
export const KEY_STATS_DAYS = 30;
/** The header a call presents its key in. */
export const API_KEY_HEADER = 'X-API-Key';
/** Where the open API lives and where its documentation (with "try it") is. */
export const OPEN_API_BASE = '/open/api/v1';
export const OPEN_API_DOCS = '/open/api/docs';
