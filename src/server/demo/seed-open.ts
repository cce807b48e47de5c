import type { AppContext } from '../app-context';
import type { Actor } from '../platform/context';
import { getMasking, saveMasking } from '../modules/exchange-delivery';
import { attachAccount, getDataset, listDatasets, reviewDataset } from '../modules/open';
import { idNumberCheckChar } from '../../shared/org/id-number';

const CLEAR = {
  stateSecret: 'clear',
  commercialSecret: 'clear',
  personalPrivacy: 'clear',
  publicSafety: 'clear',
} as const;

/**
 * Puts the demo's open entries of the departments with a leader account on the portal through the
 * real review (R-33): a masking rule for the public on each personal or sensitive open item (the one
 * the catalog suggests), the leader's review, then the platform's. The other departments' open
 * entries wait for their review, as they would in a real city. Returns how many were opened.
 */
export async function seedDemoPortal(ctx: AppContext, admin: Actor, leaders: Actor[]): Promise<number> {
  let opened = 0;
  for (const leader of leaders) {
    const { items } = await listDatasets(ctx, leader, { status: 'unreviewed' }, 200, 0);
    for (const d of items) {
      if ((await getDataset(ctx, leader, d.entryId)).maskingGaps.length) await maskForPublic(ctx, admin, d.entryId);
      await reviewDataset(ctx, leader, d.entryId, { checklist: CLEAR, conclusion: 'pass', opinion: null });
      await reviewDataset(ctx, admin, d.entryId, { checklist: CLEAR, conclusion: 'pass', opinion: '经审查，同意开放' });
      opened++;
    }
  }
  return opened;
}

/** Keeps the configured rules and adds the suggested one for the open channel where none is chosen. */
async function maskForPublic(ctx: AppContext, admin: Actor, entryId: string): Promise<void> {
  const m = await getMasking(ctx, admin, entryId);
  const kept = m.items.flatMap((i) =>
    (Object.entries(i.configured) as Array<[keyof typeof i.configured, string | null]>).flatMap(([channel, rule]) =>
      rule ? [{ field: i.field, channel, rule }] : [],
    ),
  );
  const added = m.items
    .filter((i) => i.sensitivity !== 'none' && !i.configured.open && !i.configured['*'])
    .map((i) => ({ field: i.field, channel: 'open' as const, rule: i.suggested.rule }));
  await saveMasking(ctx, admin, entryId, [...kept, ...added]);
}

/** The demo's public user gets the real-name account a registration would give (a synthetic number). */
export async function seedDemoPublicAccount(ctx: AppContext, userId: string, personName: string): Promise<void> {
  const first17 = '36110219900307001';
  await attachAccount(ctx, userId, {
    personName,
    idNumber: first17 + idNumberCheckChar(first17),
    contactKind: 'email',
  });
}
