import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

const ISSUER = 'govshare';

function totp(secretBase32: string, label: string) {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(secretBase32),
  });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export async function totpEnrolment(secretBase32: string, username: string) {
  const uri = totp(secretBase32, username).toString();
  return { secret: secretBase32, otpauthUri: uri, qrDataUrl: await QRCode.toDataURL(uri) };
}

/** Accepts the current code and one step either side, for clock drift. */
export function checkTotp(secretBase32: string, code: string, at: Date): boolean {
  return (
    totp(secretBase32, 'x').validate({ token: code.replace(/\s/g, ''), timestamp: at.getTime(), window: 1 }) !== null
  );
}

export function currentTotp(secretBase32: string, at: Date): string {
  return totp(secretBase32, 'x').generate({ timestamp: at.getTime() });
}
