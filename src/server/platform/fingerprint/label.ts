/** What the visible line of a marked document (PDF, OFD) names: enough to find its download by eye. */
export interface DocumentMarkLabel {
  /** The department's 统一社会信用代码 or id, the grant's number, the user's account name: ASCII. */
  department: string | null;
  grantNo: string | null;
  username: string | null;
  at: Date;
}

/** Shanghai wall-clock time, as the page's reader reads it. */
const beijing = (at: Date) =>
  `${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')} UTC+8`;

export const markLine = (label: DocumentMarkLabel, hex: string) =>
  [
    'govshare download',
    label.grantNo && `grant ${label.grantNo}`,
    label.department && `dept ${label.department}`,
    label.username && `user ${label.username}`,
    beijing(label.at),
    `mark ${hex}`,
  ]
    .filter(Boolean)
    .join(' | ');
