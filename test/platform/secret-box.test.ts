import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCipheriv, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretBox, loadMasterKey, secretBox } from '../../src/server/platform/crypto/secret-box';
import { loadConfig } from '../../src/server/config';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gs-secret-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const key = () => randomBytes(32);
/** Flips one bit of the base64 part at index i of the sealed text. */
function tamper(sealed: string, i: number): string {
  const parts = sealed.split(':');
  const b = Buffer.from(parts[i]!, 'base64');
  b[0] = b[0]! ^ 1;
  parts[i] = b.toString('base64');
  return parts.join(':');
}

describe('SM4 primitive (GB/T 32907)', () => {
  it('matches the standard known-answer vector', () => {
    const k = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    const c = createCipheriv('sm4-ecb', k, null).setAutoPadding(false);
    const out = Buffer.concat([c.update(k), c.final()]);
    expect(out.toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
  });
});

describe('secret box (R-44)', () => {
  it('round-trips text, Chinese included, with a fresh IV each time', () => {
    const box = new SecretBox(key());
    const a = box.seal('口令 p@ss:word', 'ctx');
    const b = box.seal('口令 p@ss:word', 'ctx');
    expect(a).toMatch(/^gs1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('p@ss');
    expect(box.open(a, 'ctx')).toBe('口令 p@ss:word');
    expect(box.open(box.seal(''))).toBe('');
  });

  it('detects a changed IV, ciphertext or MAC, and a different context', () => {
    const box = new SecretBox(key());
    const s = box.seal('secret', 'source:1');
    for (const i of [1, 2, 3])
      expect(() => box.open(tamper(s, i), 'source:1')).toThrow(expect.objectContaining({ code: 'SECRET_INVALID' }));
    expect(() => box.open(s, 'source:2')).toThrow(expect.objectContaining({ code: 'SECRET_INVALID' }));
  });

  it('refuses under another key', () => {
    const s = new SecretBox(key()).seal('secret');
    expect(() => new SecretBox(key()).open(s)).toThrow(expect.objectContaining({ code: 'SECRET_INVALID' }));
  });

  it('refuses an unknown format version', () => {
    const box = new SecretBox(key());
    const s = box.seal('secret');
    expect(() => box.open(s.replace(/^gs1:/, 'gs2:'))).toThrow(expect.objectContaining({ code: 'SECRET_FORMAT' }));
    expect(() => box.open('plain-password')).toThrow(expect.objectContaining({ code: 'SECRET_FORMAT' }));
  });
});

describe('master key outside the database', () => {
  it('takes GOVSHARE_SECRET_KEY and rejects a malformed one', () => {
    const hex = key().toString('hex');
    const config = loadConfig({ GOVSHARE_SECRET_KEY: hex, DATABASE_URL: 'postgres://x/y' });
    expect(loadMasterKey(config).toString('hex')).toBe(hex);
    expect(() => loadMasterKey(loadConfig({ GOVSHARE_SECRET_KEY: 'abc' }))).toThrow(
      expect.objectContaining({ code: 'SECRET_KEY_INVALID' }),
    );
  });

  it('creates <dataDir>/secret.key with mode 0600 for the embedded database, and reuses it', () => {
    const dataDir = path.join(tmp, 'embedded');
    const config = loadConfig({ DATA_DIR: dataDir });
    const sealed = secretBox(config).seal('secret');
    const file = path.join(dataDir, 'secret.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    // A restarted server (new config object) reads the same key.
    expect(secretBox(loadConfig({ DATA_DIR: dataDir })).open(sealed)).toBe('secret');
  });

  it('reads GOVSHARE_KEY_FILE and refuses a missing one', () => {
    const file = path.join(tmp, 'given.key');
    const hex = key().toString('hex');
    fs.writeFileSync(file, `${hex}\n`, { mode: 0o600 });
    expect(loadMasterKey(loadConfig({ GOVSHARE_KEY_FILE: file, DATABASE_URL: 'postgres://x/y' })).toString('hex')).toBe(
      hex,
    );
    expect(() => loadMasterKey(loadConfig({ GOVSHARE_KEY_FILE: path.join(tmp, 'nope.key') }))).toThrow(
      expect.objectContaining({ code: 'SECRET_KEY_FILE_MISSING' }),
    );
  });

  it('fails clearly with PostgreSQL and no key configured, creating no file', () => {
    const dataDir = path.join(tmp, 'server');
    const err = (() => {
      try {
        loadMasterKey(loadConfig({ DATABASE_URL: 'postgres://x/y', DATA_DIR: dataDir }));
      } catch (e) {
        return e as { code: string; message: string; messageZh: string };
      }
    })();
    expect(err).toMatchObject({
      code: 'SECRET_KEY_NOT_CONFIGURED',
      message: expect.stringContaining('GOVSHARE_SECRET_KEY'),
      messageZh: expect.stringContaining('未配置'),
    });
    expect(fs.existsSync(path.join(dataDir, 'secret.key'))).toBe(false);
  });
});
