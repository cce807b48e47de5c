/**
 * the licence every unconditionally open dataset is published under (catalog entries carry no
 * licence of their own today). Downloads name it (the XLSX's 许可协议 sheet, a `Link: rel="license"`
 * header on CSV and JSON Lines), the open API returns it with a dataset's metadata, and the portal's
 * schema.org JSON-LD points at it. A new text is a new version: a copy taken earlier keeps its terms.
 */
export const OPEN_LICENCE = {
  id: 'srgd-open-1.0',
  version: '1.0',
  titleZh: '上饶市公共数据开放许可协议',
  titleEn: 'Shangrao Public Data Open Licence',
  textZh: [
    '一、本平台无条件开放的公共数据，任何自然人、法人和非法人组织均可免费获取、使用、加工和传播，可用于商业或非商业目的。',
    '二、使用者在使用、传播数据或基于数据的成果时，应注明数据来源：“上饶市公共数据开放平台”及数据提供部门名称。',
    '三、使用者不得对数据进行歪曲、篡改，不得利用数据从事违反法律法规、损害国家利益、社会公共利益和他人合法权益的活动。',
    '四、使用者不得以任何方式尝试复原已脱敏的个人信息或识别特定个人，不得将数据与其他数据关联以重新识别个人身份。',
    '五、通过开放接口获取数据的，应遵守接口调用频率与每日配额限制，妥善保管 API 密钥，不得转让、出借。',
    '六、平台及数据提供部门按现状提供数据，不对数据的完整性、准确性和适用于特定用途作出保证，不承担因使用数据产生的损失。',
    '七、使用者违反本协议的，平台可暂停或终止其获取数据的权利，并依法追究相应责任。',
  ].join('\n'),
  textEn: [
    '1. Data opened unconditionally on this platform may be obtained, used, processed and redistributed free of charge by anyone, for commercial or non-commercial purposes.',
    '2. When using or redistributing the data or work based on it, credit the source: "Shangrao Public Data Open Platform" and the providing department.',
    '3. Do not misrepresent or falsify the data, nor use it against the law, national or public interests, or the rights of others.',
    '4. Do not attempt to restore masked personal data or to identify individuals, including by linking the data with other data.',
    '5. Through the open API, keep within the rate limit and the daily quota, keep your API keys secret and never pass them on.',
    '6. The data is provided as is, without warranty of completeness, accuracy or fitness for a purpose; no liability is accepted for its use.',
    '7. A breach of this licence may suspend or end the right to obtain data, and is pursued according to law.',
  ].join('\n'),
} as const;

/** Where the licence is served (JSON, or plain text with ?format=text). */
export const OPEN_LICENCE_PATH = '/api/portal/licence';
