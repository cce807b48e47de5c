/** The open portal's name and what it offers, as its pages, the CKAN API and the DCAT-AP catalog state them. */
export const SITE_NAME = '上饶市公共数据开放平台';
export const SITE_LEAD = '汇聚全市各部门依法开放的公共数据，免费浏览、检索和下载';
