import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnvironment, runGovshare } from '../helpers/cli';

/** `govshare keys rotate` and `keys status` as an operator runs them. */

const oldKey = randomBytes(32).toString('hex');
const newKey = randomBytes(32).toString('hex');
const cli = cliEnvironment('keys', { GOVSHARE_PREVIOUS_SECRET_KEY: '' });
const govshare = (args: string[], extra: NodeJS.ProcessEnv) => runGovshare(args, { ...cli.env(), ...extra });

describe('govshare keys', () => {
  it('rotates the instance key, the data key and the master key; the old master key then opens nothing', async () => {
    const withOld = { GOVSHARE_SECRET_KEY: oldKey };
    const withNew = { GOVSHARE_SECRET_KEY: newKey };
    expect((await govshare(['keys', 'rotate', '--help'], withOld)).out).toContain('--previous-key-file');
    expect((await govshare(['keys', 'rotate'], withOld)).code).toBe(2);

    const instance = await govshare(['keys', 'rotate', '--instance-key'], withOld);
    expect(instance).toMatchObject({ code: 0, out: expect.stringContaining('Instance SM2 key') });
    const data = await govshare(['keys', 'rotate', '--data-key'], withOld);
    expect(data.code, data.out).toBe(0);
    expect(data.out).toMatch(/Data key [0-9a-f]{16} current: 1 value\(s\) re-encrypted, retired: [0-9a-f]{16}\./);

    // The previous key is not given: refused, nothing changed.
    expect((await govshare(['keys', 'rotate', '--master-key'], withNew)).code).toBe(2);
    const keyFile = path.join(cli.env().DATA_DIR!, 'previous.key');
    fs.writeFileSync(keyFile, `${oldKey}\n`, { mode: 0o600 });
    const master = await govshare(['keys', 'rotate', '--master-key', '--previous-key-file', keyFile], withNew);
    expect(master.code, master.out).toBe(0);
    expect(master.out).toContain('2 data key(s) re-wrapped');
    expect(master.out).not.toContain(oldKey);
    expect(master.out).not.toContain(newKey);
    const again = await govshare(['keys', 'rotate', '--master-key'], {
      ...withNew,
      GOVSHARE_PREVIOUS_SECRET_KEY: oldKey,
    });
    expect(again.out).toContain('nothing to do');

    const status = await govshare(['keys', 'status'], withNew);
    expect(status.code).toBe(0);
    expect(status.out.match(/wrapped by/g)).toHaveLength(3);
    expect(status.out).toMatch(/data wrapped by [0-9a-f]{16}, current, 1 value\(s\)/);

    // The old master key no longer unwraps the data keys.
    const stale = await govshare(['keys', 'rotate', '--data-key'], withOld);
    expect(stale.code).toBe(1);
    expect(stale.out).toContain('restart it with the current GOVSHARE_SECRET_KEY');
    expect((await govshare(['audit', 'verify'], withNew)).code).toBe(0);
  });
});
