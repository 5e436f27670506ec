import { describe, expect, test } from "vitest";
import { JIANGSU_CITIES, cityOfDivision, countiesOf, countyOfDivision } from "../src/jiangsu.js";

const all = JIANGSU_CITIES.flatMap((c) => c.counties.map((k) => ({ city: c, county: k })));

describe("JIANGSU_CITIES", () => {
  test("lists the 13 cities with codes 320100 to 321300", () => {
    expect(JIANGSU_CITIES.map((c) => c.name)).toEqual([
      "南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市", "连云港市",
      "淮安市", "盐城市", "扬州市", "镇江市", "泰州市", "宿迁市",
    ]);
    JIANGSU_CITIES.forEach((c, i) => {
      const prefix = `32${String(i + 1).padStart(2, "0")}`;
      expect(c.prefix).toBe(prefix);
      expect(c.code).toBe(`${prefix}00`);
    });
  });

  test("has the 95 statutory county-level divisions of 2024 (55 districts, 21 cities, 19 counties) plus 苏州工业园区", () => {
    const count = (kind: string) => all.filter((x) => x.county.kind === kind).length;
    expect(count("区")).toBe(55);
    expect(count("县级市")).toBe(21);
    expect(count("县")).toBe(19);
    expect(all.filter((x) => x.county.kind === "功能区").map((x) => x.county.name)).toEqual(["苏州工业园区"]);
  });

  test("codes are unique, six digits, under their city's prefix and in order", () => {
    const codes = all.map((x) => x.county.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const { city, county } of all) {
      expect(county.code).toMatch(/^32\d{4}$/);
      expect(county.code.startsWith(city.prefix)).toBe(true);
    }
    for (const c of JIANGSU_CITIES) {
      const own = c.counties.map((k) => k.code);
      expect(own).toEqual([...own].sort());
    }
  });

  test("names are unique within a city (鼓楼区 is both in 南京 and 徐州)", () => {
    for (const c of JIANGSU_CITIES) {
      const names = c.counties.map((k) => k.name);
      expect(new Set(names).size).toBe(names.length);
    }
    expect(all.filter((x) => x.county.name === "鼓楼区").map((x) => x.county.code)).toEqual(["320106", "320302"]);
  });
});

describe("countiesOf", () => {
  test("南京市 has its 11 districts", () => {
    expect(countiesOf("南京市")).toEqual([
      "玄武区", "秦淮区", "建邺区", "鼓楼区", "浦口区", "栖霞区", "雨花台区", "江宁区", "六合区", "溧水区", "高淳区",
    ]);
  });

  test("苏州市 has five districts, 苏州工业园区 and four county-level cities", () => {
    expect(countiesOf("苏州市")).toEqual([
      "虎丘区", "吴中区", "相城区", "姑苏区", "吴江区", "苏州工业园区", "常熟市", "张家港市", "昆山市", "太仓市",
    ]);
  });

  test("南通市 is as after the 2020 changes (崇川区 with 港闸区, 海门区)", () => {
    expect(countiesOf("南通市")).toEqual(["通州区", "崇川区", "海门区", "如东县", "启东市", "如皋市", "海安市"]);
  });

  test("is undefined for a name that is not one of the 13 cities", () => {
    expect(countiesOf("上海市")).toBeUndefined();
    expect(countiesOf("南京")).toBeUndefined();
  });
});

describe("cityOfDivision and countyOfDivision", () => {
  test("place every listed county in its city", () => {
    for (const { city, county } of all) {
      expect(cityOfDivision(county.code)).toBe(city.name);
      expect(countyOfDivision(county.code)).toEqual({ city: city.name, county });
    }
  });

  test("cityOfDivision places city-level, retired and 功能区 codes by their prefix", () => {
    expect(cityOfDivision("320100")).toBe("南京市");
    expect(cityOfDivision("320684")).toBe("南通市"); // 海门市 until 2020
    expect(cityOfDivision("321371")).toBe("宿迁市");
    expect(countyOfDivision("320684")).toBeUndefined();
  });

  test.each(["320000", "321400", "310115", "3205", "3205831", "32058A", ""])("%j has no Jiangsu city", (code) => {
    expect(cityOfDivision(code)).toBeUndefined();
    expect(countyOfDivision(code)).toBeUndefined();
  });
});
