/**
 * Which kinds of 実施主体 (implementer) a 地方公共団体 can act as, and therefore which national
 * 公費 programs it may define certificate types (制度マスタ) for. Pure: no I/O.
 *
 * Source of the program → implementer table: /work/shared/domain/pmh.md §5 (MHLW 部局長会議 material),
 * encoded in src/catalogue/programs-data.ts.
 */
import type { Implementer, ImplementerKind, LocalGovernmentKind } from './local-government.js';

/**
 * 中核市 (core cities): the 62 cities of the 総務省 list 「中核市・施行時特例市一覧」 as we know it for
 * FY2025 (令和7年4月1日; unchanged since 松本市 and 一宮市 joined on 2021-04-01). [I] — from our
 * knowledge of the 総務省 list, not re-read from it here; codes taken from the catalogue dataset and
 * their check digits verified in tests/unit/implementers.test.ts. The catalogue's kind for these
 * is plain 'city', so this list is what makes a city a core city.
 */
export const CORE_CITY_CODES: ReadonlyMap<string, string> = new Map([
  ['012025', '函館市'],
  ['012041', '旭川市'],
  ['022012', '青森市'],
  ['022039', '八戸市'],
  ['032018', '盛岡市'],
  ['052019', '秋田市'],
  ['062014', '山形市'],
  ['072010', '福島市'],
  ['072036', '郡山市'],
  ['072044', 'いわき市'],
  ['082015', '水戸市'],
  ['092011', '宇都宮市'],
  ['102016', '前橋市'],
  ['102024', '高崎市'],
  ['112011', '川越市'],
  ['112038', '川口市'],
  ['112224', '越谷市'],
  ['122041', '船橋市'],
  ['122173', '柏市'],
  ['132012', '八王子市'],
  ['142018', '横須賀市'],
  ['162019', '富山市'],
  ['172014', '金沢市'],
  ['182010', '福井市'],
  ['192015', '甲府市'],
  ['202011', '長野市'],
  ['202029', '松本市'],
  ['212016', '岐阜市'],
  ['232017', '豊橋市'],
  ['232025', '岡崎市'],
  ['232033', '一宮市'],
  ['232114', '豊田市'],
  ['252018', '大津市'],
  ['272035', '豊中市'],
  ['272051', '吹田市'],
  ['272078', '高槻市'],
  ['272108', '枚方市'],
  ['272124', '八尾市'],
  ['272159', '寝屋川市'],
  ['272272', '東大阪市'],
  ['282014', '姫路市'],
  ['282022', '尼崎市'],
  ['282031', '明石市'],
  ['282049', '西宮市'],
  ['292010', '奈良市'],
  ['302015', '和歌山市'],
  ['312011', '鳥取市'],
  ['322016', '松江市'],
  ['332020', '倉敷市'],
  ['342025', '呉市'],
  ['342076', '福山市'],
  ['352012', '下関市'],
  ['372013', '高松市'],
  ['382019', '松山市'],
  ['392014', '高知市'],
  ['402036', '久留米市'],
  ['422011', '長崎市'],
  ['422029', '佐世保市'],
  ['442011', '大分市'],
  ['452017', '宮崎市'],
  ['462012', '鹿児島市'],
  ['472018', '那覇市'],
]);

/** The identity of a 地方公共団体 that matters for implementer rules. */
export interface LocalGovernmentRef {
  code: string;
  kind: LocalGovernmentKind;
}

export const isCoreCity = (lg: LocalGovernmentRef) => lg.kind === 'city' && CORE_CITY_CODES.has(lg.code);

/**
 * The implementer kinds a 地方公共団体 acts as (specific_municipality and national_body excepted:
 * those are matched by code, or never, in canImplement).
 *
 * - 都道府県 → prefecture.
 * - 政令指定都市 → designated_city; also a 市区町村, and by law it runs 保健所 and 児童相談所.
 * - 中核市 → core_city; also a 市区町村 and, by law, a 保健所設置市. The few 中核市 that have set up a
 *   児童相談所 (e.g. 横須賀市, 金沢市, 明石市) are not modelled as child_guidance_city. [I]
 * - 特別区 → special_ward; also a 市区町村 and a 保健所設置市 (地域保健法). Since the 2016 児童福祉法
 *   amendment a 特別区 may set up a 児童相談所; the sandbox treats every 特別区 as able to, so that
 *   one that has (e.g. 世田谷区, 江戸川区, 荒川区) is not refused. [I] sandbox choice.
 * - Any other 市・町・村 → municipality. 保健所政令市 that are not 中核市 (e.g. 町田市, 藤沢市) are not
 *   modelled as health_center_city. [I]
 * - 行政区 of a 指定都市 → nothing: it is not a 地方公共団体 and implements no program itself.
 */
export function authorityKinds(lg: LocalGovernmentRef): ImplementerKind[] {
  switch (lg.kind) {
    case 'prefecture':
      return ['prefecture'];
    case 'designated_city':
      return ['designated_city', 'municipality', 'health_center_city', 'child_guidance_city'];
    case 'special_ward':
      return ['special_ward', 'municipality', 'health_center_city', 'child_guidance_city'];
    case 'city':
      return isCoreCity(lg) ? ['core_city', 'municipality', 'health_center_city'] : ['municipality'];
    case 'town':
    case 'village':
      return ['municipality'];
    case 'ward':
      return [];
  }
}

/** Whether the 地方公共団体 is one of the implementers (実施主体) listed. */
export function canImplement(lg: LocalGovernmentRef, implementers: readonly Implementer[]): boolean {
  const kinds = new Set(authorityKinds(lg));
  return implementers.some((i) => {
    if (i.kind === 'national_body') return false;
    if (i.kind === 'specific_municipality') return (i.localGovCodes ?? []).includes(lg.code);
    return kinds.has(i.kind);
  });
}

/** The part of a catalogue program the implementer rule reads. */
export interface ProgramImplementers {
  implementers: readonly Implementer[];
  onlineEligibility: { schemes: readonly { implementers: readonly Implementer[] }[] };
}

/**
 * Who may define a certificate type of a national program: the union of the implementers of its
 * PMH online-eligibility schemes when it has any (e.g. 79: 障害児入所医療 by 都道府県 etc. and
 * 肢体不自由児通所医療 by 市区町村), otherwise the program's own implementers.
 */
export function programImplementers(program: ProgramImplementers): Implementer[] {
  const schemes = program.onlineEligibility.schemes;
  return schemes.length > 0 ? schemes.flatMap((s) => s.implementers) : [...program.implementers];
}

const KIND_LABELS: Record<ImplementerKind, string> = {
  prefecture: '都道府県',
  designated_city: '指定都市',
  core_city: '中核市',
  child_guidance_city: '児童相談所設置市',
  health_center_city: '保健所設置市',
  special_ward: '特別区',
  municipality: '市区町村',
  specific_municipality: '特定の市',
  national_body: '国の機関等',
};

/** e.g. "中核市, 市区町村, 保健所設置市" — for messages; "none" for a 行政区. */
export const describeAuthority = (lg: LocalGovernmentRef) =>
  authorityKinds(lg)
    .map((k) => KIND_LABELS[k])
    .join(', ') || 'none';

/** e.g. "都道府県, 広島市, 長崎市", deduplicated — for messages. */
export const describeImplementers = (implementers: readonly Implementer[]) => [...new Set(implementers.map((i) => i.label))].join(', ');
