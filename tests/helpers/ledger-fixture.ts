import ExcelJS from 'exceljs';
import gcoord from 'gcoord';
import type { ProblemTable } from '../../server/analytics/problem-table.ts';
import type { TownData } from '../../server/town-data.ts';

/** Words a town writes for its categories: seven the catalogue knows, one it has to propose (电动车乱停放), one it lacks (噪音扰民). */
const WORDS = ['小广告', '占道经营', '乱扔垃圾', '违章停车', '电动车乱停放', '噪音扰民', '乱堆乱放', '私搭乱建'];

/**
 * A 台账 as a town office keeps it in WPS, made from the places of a demo town's problems: a merged
 * title with the year, a 填报单位 line, the header on row 3, coordinates in GCJ-02, dates as
 * `10月5日` and `2026.10.5`, 整改时限 as 立行立改 or 3天, a unit the town does not have.
 */
export async function messyLedger(table: ProblemTable, town: TownData, rows = 60): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Sheet1');
  sheet.getCell('A1').value = `${town.town.name}2026年10月创文问题整改台账`;
  sheet.mergeCells('A1:K1');
  sheet.getCell('A2').value = `填报单位：${town.town.name}创文办　　填报日期：2026年10月31日`;
  sheet.getRow(3).values = ['序号', '村（居）', '问题类别', '问题描述', '具体位置', '经度', '纬度', '发现时间', '整改时限', '整改情况', '责任单位'];
  const units = [...town.unitById.values()];
  const step = Math.max(1, Math.floor(table.size / rows));
  for (let k = 0; k < rows; k++) {
    const p = table.record((k * step) % table.size);
    const [lon, lat] = gcoord.transform([p.lon, p.lat], gcoord.WGS84, gcoord.GCJ02);
    sheet.getRow(4 + k).values = [
      k + 1,
      town.communityById.get(p.communityId)?.name ?? '',
      WORDS[k % WORDS.length],
      `问题 ${k + 1}`,
      p.address,
      Number(lon.toFixed(6)),
      Number(lat.toFixed(6)),
      k % 3 === 0 ? `10月${1 + (k % 28)}日` : `2026.10.${1 + (k % 28)}`,
      k % 4 === 0 ? '立行立改' : '3天',
      ['已整改', '整改中', '未整改'][k % 3],
      k % 7 === 0 ? '镇综合执法局' : units[k % units.length].name,
    ];
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
