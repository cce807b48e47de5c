import { Type } from '@sinclair/typebox';
import { Nullable, Obj } from '../../platform/http/schemas';
import { PortalCard } from './portal-schemas';

/** A favourite: the dataset's card and when it was kept. */
export const Favourite = Obj({ ...PortalCard.properties, favouredAt: Type.String({ format: 'date-time' }) });

export const FavouriteState = Obj({ favourite: Type.Boolean() });

/** One download or API read of the user's, as the audit log recorded it. */
export const MyDownload = Obj({
  at: Type.String({ format: 'date-time' }),
  /** download: from the portal; api: through the open API with a key. */
  via: Type.Union([Type.Literal('download'), Type.Literal('api')]),
  code: Nullable(Type.String()),
  name: Nullable(Type.String()),
  format: Nullable(Type.String()),
  rows: Nullable(Type.Integer()),
});
