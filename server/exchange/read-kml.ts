import { kml } from '@tmcw/togeojson';
import { DOMParser } from '@xmldom/xmldom';
import type { FeatureCollection } from 'geojson';
import { UnreadableFile } from './unreadable.ts';

/**
 * A KML document (奥维互动地图, Google Earth, 两步路 …) as GeoJSON features: placemarks with their
 * name, description and ExtendedData fields as properties. A DTD or an entity declaration is
 * refused before parsing: KML needs neither, and they are how an XML file expands itself into
 * gigabytes or reads files it should not (XXE).
 */
export function kmlFeatures(text: string): FeatureCollection {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new UnreadableFile('KML 中含有 DTD 或实体声明（<!DOCTYPE、<!ENTITY），为安全起见已拒绝');
  let broken: string | null = null;
  let doc: ReturnType<DOMParser['parseFromString']> | null = null;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') broken ??= message;
      },
    }).parseFromString(text, 'text/xml');
  } catch (e) {
    broken ??= e instanceof Error ? e.message : String(e);
  }
  if (broken || !doc?.documentElement || doc.documentElement.nodeName.toLowerCase() !== 'kml')
    throw new UnreadableFile(`不是有效的 KML 文件${broken ? `（${String(broken).slice(0, 80)}）` : ''}`);
  return kml(doc as unknown as Document) as FeatureCollection;
}
