/** A public user's account: registration, confirmation, password reset, the own profile. */
import { api } from './client';
import type { Body, Item, Res } from './openapi';

export type RegisterInput = Body<'/api/portal/account/register', 'post'>;
export type CodeSent = Res<'/api/portal/account/register', 'post'>;
export type PublicAccount = Res<'/api/portal/account'>;
export type ContactKind = RegisterInput['contactKind'];

export const accountApi = {
  register: (body: RegisterInput) => api.post<CodeSent>('/api/portal/account/register', body),
  confirm: (contact: string, code: string) => api.post('/api/portal/account/confirm', { contact, code }),
  resend: (contact: string) => api.post<CodeSent>('/api/portal/account/resend', { contact }),
  forgot: (contact: string) => api.post('/api/portal/account/password/forgot', { contact }),
  reset: (contact: string, code: string, newPassword: string) =>
    api.post('/api/portal/account/password/reset', { contact, code, newPassword }),
  get: () => api.get<PublicAccount>('/api/portal/account'),
  recheck: () => api.post<PublicAccount>('/api/portal/account/realname', {}),
};

export type Favourite = Item<Res<'/api/portal/me/favourites'>['items']>;
export type MyDownload = Item<Res<'/api/portal/me/downloads'>['items']>;
type FavouriteState = Res<'/api/portal/datasets/{prefix}/{seq}/favourite'>;

/** The dataset page's 收藏 button (the user centre's lists are paged lists of their paths). */
export const meApi = {
  favourite: (code: string) => api.get<FavouriteState>(`/api/portal/datasets/${code}/favourite`),
  setFavourite: (code: string, on: boolean) =>
    on
      ? api.put<FavouriteState>(`/api/portal/datasets/${code}/favourite`)
      : api.delete<FavouriteState>(`/api/portal/datasets/${code}/favourite`),
};
