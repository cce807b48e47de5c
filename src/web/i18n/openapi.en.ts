import type { OpenApiMessages } from './openapi.zh-CN';

const openapiEn: OpenApiMessages = {
  nav: { keys: 'API keys' },
  keys: {
    title: 'API keys',
    intro:
      'The open API needs a key, free of charge. Each key may make {rate} calls a minute and {quota} a day; an account holds at most {max} active keys.',
    docs: 'API documentation and try-it',
    create: 'Create key',
    name: 'Key name',
    namePlaceholder: 'e.g. my analysis app',
    nameRequired: 'Name the key',
    limitReached: 'You hold the maximum of {max} active keys; revoke one you no longer use',
    createdTitle: 'Your new key',
    createdHint:
      'Copy it now and keep it safe. It is shown only this once: the platform keeps no copy and cannot show it again.',
    copy: 'Copy',
    copied: 'Copied to the clipboard',
    copyFailed: 'Could not copy; select the key and copy it by hand',
    savedIt: 'I have saved it',
    empty: 'You have no API keys yet',
    column: {
      name: 'Name',
      prefix: 'Key',
      status: 'Status',
      limits: 'Rate / daily quota',
      today: 'Calls today',
      createdAt: 'Created',
      lastUsedAt: 'Last used',
    },
    perMinute: '{n}/min',
    perDay: '{n}/day',
    status: { active: 'Active', revoked: 'Revoked' },
    revoke: 'Revoke',
    revokeConfirm: 'Revoke the key "{name}" ({prefix}…)? Calls with it are refused at once, and it cannot be restored.',
    revoked: 'Key revoked',
    stats: 'Statistics',
    statsTitle: 'Calls over the last {days} days: {name}',
    totals: '{calls} calls, {rows} rows returned, {refused} refused by the limits',
    dayTip: '{day}: {calls} calls, {rows} rows, {refused} refused',
    never: 'Never',
  },
  dataset: {
    title: 'API',
    intro:
      'With an API key, query this dataset page by page through the open API (personal data masked), with its data dictionary and licence.',
    endpoint: 'Endpoint',
    example: 'Example',
    yourKey: '<your API key>',
    docs: 'API documentation and try-it',
    getKey: 'Get an API key',
    licence: 'Licence',
    dictionary: 'Download the data dictionary',
  },
};
export default openapiEn;
