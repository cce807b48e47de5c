import { createHash } from 'node:crypto';
import { FORMAT_KINDS, OPEN_DOMAINS, OPEN_TYPES, SHARE_TYPES, UPDATE_CYCLES } from '../../../../shared/catalog/enums';
import { OPEN_LICENCE, OPEN_LICENCE_PATH } from '../../../../shared/open/licence';
import type { OrganizationRow, PackageRow } from './ckan-repo';
import { downloadUrl, OPEN_DOWNLOADS, recordsUrl } from '../downloads';

/**
 * CKAN's dictionaries (package, resource, organization, group, tag) made from the portal's rows, with
 * what harvesters read and validate: ids, names, times as CKAN writes them, the organization with its
 * approval state, and the national catalog's fields as extras.
 */

/** CKAN's time format: UTC without a zone, microseconds. */
export const ckanTime = (d: Date | null) => (d ? d.toISOString().replace('Z', '000') : null);

/**
 * A stable id for something that has none of its own (a resource, a tag, a group): the MD5 of its
 * name read as a UUID, which PostgreSQL computes alike (`md5(…)::uuid`, the datastore's lookup index).
 */
export function nameUuid(name: string): string {
  const x = createHash('md5').update(`govshare:${name}`).digest('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export const licenceDict = (origin: string) => ({
  id: OPEN_LICENCE.id,
  title: OPEN_LICENCE.titleZh,
  url: `${origin}${OPEN_LICENCE_PATH}?format=text`,
  is_okd_compliant: true,
  is_osi_compliant: false,
  od_conformance: 'approved',
  osd_conformance: 'not reviewed',
  status: 'active',
  maintainer: '',
  family: '',
  domain_content: true,
  domain_data: true,
  domain_software: false,
});

export function organizationDict(o: OrganizationRow) {
  return {
    id: o.id,
    name: o.name,
    title: o.title,
    display_name: o.title,
    description: o.short_name ?? '',
    image_url: '',
    image_display_url: '',
    created: ckanTime(o.created),
    type: 'organization',
    is_organization: true,
    approval_status: 'approved',
    state: 'active',
    revision_id: nameUuid(`organization:${o.id}:${o.created.toISOString()}`),
    revision_timestamp: ckanTime(o.created),
    package_count: o.package_count,
  };
}

export function groupDict(code: string, packageCount?: number) {
  const d = OPEN_DOMAINS[code as keyof typeof OPEN_DOMAINS];
  return {
    id: nameUuid(`group:${code}`),
    name: code,
    title: d?.zh ?? code,
    display_name: d?.zh ?? code,
    description: d ? `${d.zh}（${d.en}）` : '',
    image_url: '',
    image_display_url: '',
    type: 'group',
    is_organization: false,
    approval_status: 'approved',
    state: 'active',
    ...(packageCount === undefined ? {} : { package_count: packageCount }),
  };
}

export const tagDict = (name: string) => ({
  id: nameUuid(`tag:${name}`),
  name,
  display_name: name,
  state: 'active',
  vocabulary_id: null,
});

/** The downloads and the API of a dataset, as CKAN resources; the CSV is the one datastore_search reads. */
const RESOURCES = [
  ...OPEN_DOWNLOADS.map((x) => ({
    kind: x.format,
    format: x.fileType,
    mimetype: x.mime,
    name: `${x.label} 下载`,
    type: 'file',
    url: (origin: string, code: string) => downloadUrl(origin, code, x.format),
  })),
  { kind: 'api', format: 'API', mimetype: 'application/json', name: '开放接口', type: 'api', url: recordsUrl },
];

export const resourceId = (packageId: string, kind: string) => nameUuid(`resource:${packageId}:${kind}`);

const label = (map: Record<string, { zh: string }>, code: string | null) => (code ? (map[code]?.zh ?? code) : '');

export interface PackageExtras {
  /** When the data was last loaded (resources' last_modified); null when never. */
  dataUpdatedAt: Date | null;
  contactEmail: string | null;
}

export function packageDict(r: PackageRow, extra: PackageExtras, org: OrganizationRow, origin: string) {
  const page = `${origin}/datasets/${r.code}`;
  const conditional = r.open_type === 'conditional';
  const resources = RESOURCES.map((x, position) => ({
    id: resourceId(r.package_id, x.kind),
    package_id: r.package_id,
    name: x.name,
    description: conditional ? '有条件开放：申请获批后凭 API 密钥获取' : '',
    url: x.url(origin, r.code),
    format: x.format,
    mimetype: x.mimetype,
    position,
    created: ckanTime(r.created),
    last_modified: ckanTime(extra.dataUpdatedAt),
    metadata_modified: ckanTime(r.modified),
    resource_type: x.type,
    size: null,
    hash: '',
    state: 'active',
    url_type: null,
    datastore_active: x.kind === 'csv',
  }));
  const extras: Record<string, string> = {
    信息资源代码: r.code,
    信息资源分类: r.class_code,
    更新周期: label(UPDATE_CYCLES, r.update_cycle),
    共享类型: label(SHARE_TYPES, r.share_type),
    开放属性: label(OPEN_TYPES, r.open_type),
    开放条件: r.open_condition ?? '',
    资源格式: `${label(FORMAT_KINDS, r.format_kind)}${r.format_type ? `（${r.format_type}）` : ''}`,
    提供方: r.department_name,
    提供方内设机构: r.provider_office ?? '',
    发布日期: r.published_at ? r.published_at.toISOString().slice(0, 10) : '',
    版本: String(r.version_no),
  };
  return {
    id: r.package_id,
    name: r.name,
    title: r.title,
    notes: r.notes,
    url: page,
    version: String(r.version_no),
    type: 'dataset',
    state: 'active',
    private: false,
    isopen: r.open_type === 'unconditional',
    metadata_created: ckanTime(r.created),
    metadata_modified: ckanTime(r.modified),
    license_id: OPEN_LICENCE.id,
    license_title: OPEN_LICENCE.titleZh,
    license_url: `${origin}${OPEN_LICENCE_PATH}?format=text`,
    author: r.department_name,
    author_email: extra.contactEmail,
    maintainer: r.provider_office ?? r.department_name,
    maintainer_email: extra.contactEmail,
    creator_user_id: null,
    owner_org: r.department_id,
    organization: organizationDict(org),
    num_resources: resources.length,
    resources,
    num_tags: r.tags.length,
    tags: r.tags.map(tagDict),
    groups: r.open_domains.map((c) => groupDict(c)),
    extras: Object.entries(extras).map(([key, value]) => ({ key, value })),
    relationships_as_object: [],
    relationships_as_subject: [],
  };
}
