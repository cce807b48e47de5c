import { describe, expect, it } from 'vitest';
import { redactUrl } from './logger';

describe('redactUrl (R-44: no secret in the request log)', () => {
  it('hides the values of secret parameters and keeps the others', () => {
    expect(
      redactUrl('/x?apiKey=gsk_1&access_token=t&regionCode=361100&q=%E4%B8%8A&code=123456&sig=ab&page=2&password'),
    ).toBe(
      '/x?apiKey=[redacted]&access_token=[redacted]&regionCode=361100&q=%E4%B8%8A&code=[redacted]&sig=[redacted]&page=2&password',
    );
    expect(redactUrl('/x?X-Api-Key=k&sms_code=1&smsCode=2&entryCode=102%2F000001')).toBe(
      '/x?X-Api-Key=[redacted]&sms_code=[redacted]&smsCode=[redacted]&entryCode=102%2F000001',
    );
    expect(redactUrl('/x?%61piKey=k&bad=%E0')).toBe('/x?%61piKey=[redacted]&bad=%E0');
    expect(redactUrl('/plain/path')).toBe('/plain/path');
  });
});
