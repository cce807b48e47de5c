import type zh from './open.zh-CN';

const en: typeof zh = {
  nav: { group: 'Open data', datasets: 'Open reviews', dataset: 'Open review' },
  status: {
    unreviewed: 'Awaiting department review',
    platform_review: 'Awaiting platform review',
    open: 'Open',
    refused: 'Review failed',
    withdrawn: 'Withdrawn',
  },
  checks: {
    title: 'Confidentiality checks (Art 20)',
    clear: 'Not the case',
    concern: 'The case',
  },
  stage: { provider: 'Provider review', platform: 'Platform review' },
  conclusion: { pass: 'Approve opening', fail: 'Refuse opening' },
  field: {
    name: 'Resource',
    code: 'Code',
    provider: 'Provider',
    version: 'Version',
    openType: 'Open type',
    status: 'Status',
    openedAt: 'Opened',
    views: 'Views',
    downloads: 'Downloads',
    conclusion: 'Conclusion',
    opinion: 'Opinion',
    reviewer: 'Reviewer',
    reviewedAt: 'Reviewed at',
  },
  attachments: {
    title: 'Attachments',
    add: 'Attach a file',
    hint: 'Review forms, approvals and the like as PDF, OFD, Word, Excel, ZIP or images; up to 20 MB each, {n} at most',
  },
  review: {
    action: 'Review',
    submit: 'Submit review',
    confirmPass: 'Once the platform also approves, {name} is public on the open portal. Submit?',
    confirmOpen: 'Approving puts {name} on the open portal at once: anyone may browse and download it. Submit?',
    done: 'Review submitted',
    opinionRequired: 'State why opening is refused',
    maskingGaps:
      'These personal or sensitive items need a masking rule for the "Open" channel before the platform review:',
    history: 'Reviews',
    none: 'No reviews yet',
  },
  withdraw: {
    action: 'Withdraw',
    confirm: 'Withdrawing takes {name} off the open portal at once: nobody can browse, find or download it. Withdraw?',
    reason: 'Reason',
    done: 'Withdrawn from the open portal',
  },
  portalLink: 'View on the portal',
  qPlaceholder: 'Resource name or code',
  empty: 'No open resources yet; entries published as open (unconditionally or on conditions) appear here',
};
export default en;
