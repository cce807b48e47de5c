import type { Config } from '../../config';

/**
 * R-34 real-name verification: does this name belong to this identity number (公安 population
 * service), does this organisation name belong to this credit code (市场监管 registry)? Cities
 * reach different services, so the platform talks to one HTTP contract and an adapter in front of
 * the city's real service speaks it:
 *
 *   POST {REALNAME_URL}/verify/person        {"name": "…", "idNumber": "…"}
 *   POST {REALNAME_URL}/verify/organisation  {"name": "…", "creditCode": "…"}
 *   → 200 {"match": true} | {"match": false, "reason": "…"}
 *
 * Anything else (an error status, a timeout, no answer) means "could not check", never "matched".
 */
export interface RealNameProvider {
  readonly name: string;
  person(name: string, idNumber: string): Promise<RealNameAnswer>;
  organisation(name: string, creditCode: string): Promise<RealNameAnswer>;
}

/** matched, refused with the provider's reason, or not answered. */
export type RealNameAnswer = { match: true } | { match: false; reason: string } | { unavailable: string };

const TIMEOUT_MS = 5_000;

class HttpRealNameProvider implements RealNameProvider {
  readonly name = 'http';
  constructor(readonly baseUrl: string) {}

  person(name: string, idNumber: string) {
    return this.#ask('person', { name, idNumber });
  }

  organisation(name: string, creditCode: string) {
    return this.#ask('organisation', { name, creditCode });
  }

  async #ask(what: string, body: object): Promise<RealNameAnswer> {
    try {
      const res = await fetch(`${this.baseUrl.replace(/\/$/, '')}/verify/${what}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!res.ok) return { unavailable: `HTTP ${res.status}` };
      const answer = (await res.json()) as { match?: unknown; reason?: unknown };
      if (answer.match === true) return { match: true };
      if (answer.match === false)
        return { match: false, reason: typeof answer.reason === 'string' ? answer.reason : '' };
      return { unavailable: 'malformed answer' };
    } catch (e) {
      return { unavailable: (e as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable' };
    }
  }
}

/**
 * The demo's stand-in: it has no population register, so it accepts every well-formed number
 * (registration has checked the check digits already) and says it is a stand-in.
 */
const demoProvider: RealNameProvider = {
  name: 'demo',
  person: () => Promise.resolve({ match: true }),
  organisation: () => Promise.resolve({ match: true }),
};

/** REALNAME_URL's provider; in demo mode without it the stand-in; otherwise none (accounts stay unverified). */
export function realNameProvider(config: Config): RealNameProvider | null {
  if (config.realNameUrl) return new HttpRealNameProvider(config.realNameUrl);
  return config.demo ? demoProvider : null;
}
