/**
 * Jiangsu's 13 cities (设区市) and their counties (县(市、区)) as of 2024, with their
 * administrative-division codes (GB/T 2260), for checking an application's `enterprise.city`,
 * `enterprise.county` and credit code against each other.
 *
 * The 95 statutory county-level divisions are listed (55 districts, 21 county-level cities,
 * 19 counties), after the 2020 changes in 南通 (港闸区 merged into 崇川区 320613; 海门市 became
 * 海门区 320614). 苏州工业园区 is listed too, as a 功能区 under its statistical code 320571:
 * it is not a statutory division but has its own market regulator and is named as a county on
 * the notice's summary table (附件2). The other statistical 功能区 codes (…71, …72) are not
 * listed; {@link cityOfDivision} still places them, and retired codes, in their city.
 */

/** 市辖区, 县级市, 县, or 功能区 (a development zone with its own regulator). */
export type CountyKind = "区" | "县级市" | "县" | "功能区";

/** A county-level division: its name, 6-digit division code and kind. */
export interface JiangsuCounty {
  readonly name: string;
  readonly code: string;
  readonly kind: CountyKind;
}

/** A city (设区市): its name, 6-digit division code, 4-digit prefix shared by its counties, and counties. */
export interface JiangsuCity {
  readonly name: string;
  readonly code: string;
  readonly prefix: string;
  readonly counties: readonly JiangsuCounty[];
}

function city(name: string, prefix: string, counties: readonly (readonly [string, string])[]): JiangsuCity {
  return {
    name,
    code: `${prefix}00`,
    prefix,
    counties: counties.map(([code, county]) => ({ name: county, code, kind: kindOf(code, county) })),
  };
}

function kindOf(code: string, name: string): CountyKind {
  if (code.endsWith("71", 6)) return "功能区";
  if (name.endsWith("县")) return "县";
  return name.endsWith("市") ? "县级市" : "区";
}

/** The 13 cities in the order of their codes, 3201 南京市 to 3213 宿迁市. */
export const JIANGSU_CITIES: readonly JiangsuCity[] = [
  city("南京市", "3201", [
    ["320102", "玄武区"], ["320104", "秦淮区"], ["320105", "建邺区"], ["320106", "鼓楼区"],
    ["320111", "浦口区"], ["320113", "栖霞区"], ["320114", "雨花台区"], ["320115", "江宁区"],
    ["320116", "六合区"], ["320117", "溧水区"], ["320118", "高淳区"],
  ]),
  city("无锡市", "3202", [
    ["320205", "锡山区"], ["320206", "惠山区"], ["320211", "滨湖区"], ["320213", "梁溪区"],
    ["320214", "新吴区"], ["320281", "江阴市"], ["320282", "宜兴市"],
  ]),
  city("徐州市", "3203", [
    ["320302", "鼓楼区"], ["320303", "云龙区"], ["320305", "贾汪区"], ["320311", "泉山区"],
    ["320312", "铜山区"], ["320321", "丰县"], ["320322", "沛县"], ["320324", "睢宁县"],
    ["320381", "新沂市"], ["320382", "邳州市"],
  ]),
  city("常州市", "3204", [
    ["320402", "天宁区"], ["320404", "钟楼区"], ["320411", "新北区"], ["320412", "武进区"],
    ["320413", "金坛区"], ["320481", "溧阳市"],
  ]),
  city("苏州市", "3205", [
    ["320505", "虎丘区"], ["320506", "吴中区"], ["320507", "相城区"], ["320508", "姑苏区"],
    ["320509", "吴江区"], ["320571", "苏州工业园区"], ["320581", "常熟市"], ["320582", "张家港市"],
    ["320583", "昆山市"], ["320585", "太仓市"],
  ]),
  city("南通市", "3206", [
    ["320612", "通州区"], ["320613", "崇川区"], ["320614", "海门区"], ["320623", "如东县"],
    ["320681", "启东市"], ["320682", "如皋市"], ["320685", "海安市"],
  ]),
  city("连云港市", "3207", [
    ["320703", "连云区"], ["320706", "海州区"], ["320707", "赣榆区"], ["320722", "东海县"],
    ["320723", "灌云县"], ["320724", "灌南县"],
  ]),
  city("淮安市", "3208", [
    ["320803", "淮安区"], ["320804", "淮阴区"], ["320812", "清江浦区"], ["320813", "洪泽区"],
    ["320826", "涟水县"], ["320830", "盱眙县"], ["320831", "金湖县"],
  ]),
  city("盐城市", "3209", [
    ["320902", "亭湖区"], ["320903", "盐都区"], ["320904", "大丰区"], ["320921", "响水县"],
    ["320922", "滨海县"], ["320923", "阜宁县"], ["320924", "射阳县"], ["320925", "建湖县"],
    ["320981", "东台市"],
  ]),
  city("扬州市", "3210", [
    ["321002", "广陵区"], ["321003", "邗江区"], ["321012", "江都区"], ["321023", "宝应县"],
    ["321081", "仪征市"], ["321084", "高邮市"],
  ]),
  city("镇江市", "3211", [
    ["321102", "京口区"], ["321111", "润州区"], ["321112", "丹徒区"], ["321181", "丹阳市"],
    ["321182", "扬中市"], ["321183", "句容市"],
  ]),
  city("泰州市", "3212", [
    ["321202", "海陵区"], ["321203", "高港区"], ["321204", "姜堰区"], ["321281", "兴化市"],
    ["321282", "靖江市"], ["321283", "泰兴市"],
  ]),
  city("宿迁市", "3213", [
    ["321302", "宿城区"], ["321311", "宿豫区"], ["321322", "沭阳县"], ["321323", "泗阳县"],
    ["321324", "泗洪县"],
  ]),
];

const BY_NAME = new Map(JIANGSU_CITIES.map((c) => [c.name, c]));
const BY_PREFIX = new Map(JIANGSU_CITIES.map((c) => [c.prefix, c]));

/** The names of a city's counties in code order, or undefined when `city` is not one of the 13. Never throws. */
export function countiesOf(city: string): readonly string[] | undefined {
  return BY_NAME.get(city)?.counties.map((c) => c.name);
}

/**
 * The city a 6-digit division code belongs to, by its first four digits (3201–3213), or
 * undefined. Any code under a city counts, since a credit code keeps the division it was issued
 * under: the city's own (320100, registered by the city's regulator), a retired one (320684
 * 海门市) or a 功能区. Province-level 320000 has no city. Never throws.
 */
export function cityOfDivision(code6: string): string | undefined {
  if (!/^\d{6}$/.test(code6)) return undefined;
  return BY_PREFIX.get(code6.slice(0, 4))?.name;
}

/** The listed county with exactly this 6-digit code, with its city's name, or undefined. Never throws. */
export function countyOfDivision(code6: string): { city: string; county: JiangsuCounty } | undefined {
  const city = BY_PREFIX.get(code6.slice(0, 4));
  const county = city?.counties.find((c) => c.code === code6);
  return city && county ? { city: city.name, county } : undefined;
}
