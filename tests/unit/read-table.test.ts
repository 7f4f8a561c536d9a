import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { parseDate } from '../../server/exchange/cell-parse.ts';
import { fieldOf, findHeader } from '../../server/exchange/header-map.ts';
import { readTable, UnreadableFile } from '../../server/exchange/read-table.ts';

/** A 台账 as a town office makes it in WPS: a merged title, a 填报单位 line, the header, 村居 merged over its rows. */
async function messySheet(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Sheet1');
  sheet.getCell('A1').value = '盐东镇2025年3月创文问题整改台账';
  sheet.mergeCells('A1:H1');
  sheet.getCell('A2').value = '填报单位：盐东镇创文办';
  sheet.getCell('F2').value = '填报日期：2025年3月31日';
  sheet.addRow([]);
  sheet.getRow(4).values = ['序号', '村（居）', '问题类型', '问题描述 *', '具体\n位置', '经度', '纬度', '发现时间', '整改情况', '备注'];
  const rows: unknown[][] = [
    [1, '李灶社区', '乱扔乱倒', '路边垃圾', '老街东', 120.3652, 33.3512, new Date(Date.UTC(2025, 2, 5, 9, 0)), '已整改', ''],
    [2, null, '小广告', '电线杆小广告', '公交站', '120.3655', '33.3515', '2025.3.6', '未整改', '复查'],
    [3, null, '占道经营', '流动摊点', '农贸市场', '120°21′54.72″E', '33°21′4.32″N', '3月7日', '整改中', ''],
  ];
  rows.forEach((r, i) => {
    sheet.getRow(5 + i).values = r as ExcelJS.CellValue[];
  });
  // 李灶社区 merged over its three rows
  sheet.mergeCells('B5:B7');
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('reading an uploaded sheet', () => {
  it('.xlsx: finds the header below the title rows, fills merged cells down, keeps dates, names unknown columns', async () => {
    const table = await readTable(await messySheet());
    expect(table.encoding).toBe('xlsx');
    const header = findHeader(table.rows);
    expect(header).not.toBeNull();
    if (!header) return;
    expect(header.row).toBe(3);
    expect(header.year).toBe(2025);
    expect(header.title).toContain('填报单位：盐东镇创文办');
    expect(header.columns).toMatchObject({ community: 1, category: 2, description: 3, address: 4, lon: 5, lat: 6, reportedAt: 7, status: 8 });
    expect(header.unknown.map((u) => u.header)).toEqual(['序号', '备注']);
    const body = table.rows.slice(header.row + 1);
    expect(body.map((r) => r[1])).toEqual(['李灶社区', '李灶社区', '李灶社区']);
    expect(
      body.map((r) => {
        const d = parseDate(r[7], header.year);
        return d.ok ? new Date(d.value).toISOString() : d.reason;
      }),
    ).toEqual(['2025-03-05T01:00:00.000Z', '2025-03-05T16:00:00.000Z', '2025-03-06T16:00:00.000Z']);
  });

  it('.csv: UTF-8 with or without a BOM, GBK, and UTF-16 from Excel’s “Unicode text”', async () => {
    const text = '问题类型,问题描述,经度,纬度\r\n小广告,"电线杆上的小广告, 两处",120.3655,33.3515\r\n';
    const cases: [Buffer, string][] = [
      [Buffer.from(`\uFEFF${text}`), 'utf-8'],
      [Buffer.from(text), 'utf-8'],
      [iconv.encode(text, 'gbk'), 'gb18030'],
      [Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]), 'utf-16le'],
    ];
    for (const [bytes, encoding] of cases) {
      const table = await readTable(bytes);
      expect(table.encoding).toBe(encoding);
      expect(table.rows).toEqual([
        ['问题类型', '问题描述', '经度', '纬度'],
        ['小广告', '电线杆上的小广告, 两处', '120.3655', '33.3515'],
      ]);
    }
  });

  it('an old .xls, or a file whose name lies about what it is, gets a message saying what to do', async () => {
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...Array(504).fill(0)]);
    await expect(readTable(xls)).rejects.toThrow(/另存为” \.xlsx/);
    await expect(readTable(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]))).rejects.toBeInstanceOf(UnreadableFile);
    // a broken zip, and a sound zip that is not a workbook
    await expect(readTable(Buffer.from([0x50, 0x4b, 0x03, 0x04, ...Array(60).fill(0)]))).rejects.toThrow(/压缩文件不安全或已损坏/);
    const zip = new JSZip();
    zip.file('readme.txt', '不是工作簿');
    await expect(readTable(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }))).rejects.toThrow(/这不是 Excel 工作簿/);
  });

  it('a zip bomb inside an .xlsx, or an entry whose header lies about its size, is refused before it is inflated in full', async () => {
    const limits = { maxTotalBytes: 8 * 1024 * 1024, maxEntries: 100 };
    // a workbook whose sheet inflates to 32 MB (from about 32 KB)
    const zip = await JSZip.loadAsync(await messySheet());
    zip.file('xl/worksheets/sheet1.xml', Buffer.alloc(32 * 1024 * 1024, 0x20));
    const bomb = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
    expect(bomb.length).toBeLessThan(200_000);
    await expect(readTable(bomb, limits)).rejects.toThrow(/解压后超过 8 MB/);
    // the same sheet, its central directory saying 1,000 bytes
    const liar = Buffer.from(bomb);
    for (let p = liar.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); p >= 0; p = liar.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), p + 4)) {
      const name = liar.subarray(p + 46, p + 46 + liar.readUInt16LE(p + 28)).toString();
      if (name === 'xl/worksheets/sheet1.xml') liar.writeUInt32LE(1000, p + 24);
    }
    await expect(readTable(liar, limits)).rejects.toThrow(/解压后超过 8 MB|实际大小与声明不符/);
    // within the limits the workbook reads
    expect((await readTable(await messySheet(), limits)).rows.length).toBeGreaterThan(4);
  });

  it('header words: the usual synonyms, with marks and notes around them', () => {
    for (const [cell, field] of [
      ['类别', 'category'],
      ['问题分类', 'category'],
      ['地址', 'address'],
      ['具体位置（必填）', 'address'],
      ['* 经度', 'lon'],
      ['经纬度', 'position'],
      ['村(居)', 'community'],
      ['整改时限', 'deadline'],
      ['责任部门', 'unit'],
      ['序号', null],
    ] as const)
      expect(fieldOf(cell), cell).toBe(field);
  });
});

describe('GeoJSON points as a table', () => {
  it('each point a row with 经度 and 纬度 first, the properties as columns; other geometries keep no position', async () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [120.3652, 33.3512] },
          properties: { 问题类型: '小广告', 发现时间: '2025-03-05', 问题描述: '电线杆' },
        },
        {
          type: 'Feature',
          geometry: {
            type: 'LineString',
            coordinates: [
              [120, 33],
              [121, 34],
            ],
          },
          properties: { 问题类型: '乱堆乱放', 备注: { a: 1 } },
        },
      ],
    };
    const table = await readTable(Buffer.from(JSON.stringify(fc)));
    expect(table.encoding).toBe('geojson');
    expect(table.rows).toEqual([
      ['经度', '纬度', '问题类型', '发现时间', '问题描述', '备注'],
      [120.3652, 33.3512, '小广告', '2025-03-05', '电线杆', null],
      [null, null, '乱堆乱放', null, null, '{"a":1}'],
    ]);
    expect(findHeader(table.rows)?.columns).toMatchObject({ lon: 0, lat: 1, category: 2, reportedAt: 3, description: 4 });
    await expect(readTable(Buffer.from('{"type":"Feature"}'))).rejects.toThrow(/FeatureCollection/);
    await expect(readTable(Buffer.from('{not json'))).rejects.toThrow(/不是合法的 JSON/);
  });
});

describe('KML and KMZ placemarks as a table', () => {
  const kmlText = (marks: string) => `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>${marks}</Document></kml>`;
  const mark = (name: string, lon: number, lat: number, data: Record<string, string>) =>
    `<Placemark><name>${name}</name><ExtendedData>${Object.entries(data)
      .map(([k, v]) => `<Data name="${k}"><value>${v}</value></Data>`)
      .join('')}</ExtendedData><Point><coordinates>${lon},${lat},0</coordinates></Point></Placemark>`;

  it('a .kml and a .kmz: each placemark a row with its ExtendedData as columns', async () => {
    const text = kmlText(
      mark('东街小广告', 120.3652, 33.3512, { 问题类型: '小广告', 发现时间: '2025-03-05' }) +
        mark('西街', 120.3655, 33.3515, { 问题类型: '乱堆乱放', 发现时间: '2025-03-06' }),
    );
    const table = await readTable(Buffer.from(text));
    expect(table.encoding).toBe('kml');
    expect(table.rows[0].slice(0, 2)).toEqual(['经度', '纬度']);
    const header = findHeader(table.rows);
    expect(header?.columns).toMatchObject({ lon: 0, lat: 1, category: table.rows[0].indexOf('问题类型'), reportedAt: table.rows[0].indexOf('发现时间') });
    expect(table.rows[1][0]).toBe(120.3652);
    const zip = new JSZip();
    zip.file('doc.kml', text);
    const kmz = await readTable(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    expect(kmz).toEqual(table);
  });

  it('a KML with a DTD or entities (billion laughs, XXE) is refused before it is parsed; broken XML is named', async () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><kml><Document><name>&b;</name></Document></kml>`;
    await expect(readTable(Buffer.from(laughs))).rejects.toThrow(/DTD 或实体声明/);
    const xxe = `<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]><kml><Document><name>&x;</name></Document></kml>`;
    await expect(readTable(Buffer.from(xxe))).rejects.toThrow(/DTD 或实体声明/);
    await expect(readTable(Buffer.from('<kml><Document><Placemark></Document></kml>'))).rejects.toThrow(/不是有效的 KML/);
    await expect(readTable(Buffer.from('<html><body>not kml</body></html>'))).rejects.toThrow(/不是有效的 KML/);
  });
});
