import type { LayersList } from '@deck.gl/core';
import type { MapLibreOverlay } from '@deck.gl/maplibre';
import type * as maplibregl from 'maplibre-gl';

/**
 * Gives an interleaved overlay its layers, each in its place under the labels (`beforeId`).
 * MapLibreOverlay places layers only while the style is loaded — which it is not while a source is
 * loading tiles — and otherwise draws them on top of everything until the style changes. So when
 * the map is busy, the layers are given again once it has finished. `placed` is called once they
 * are in place; the answer cancels the wait.
 */
export function setDeckLayers(map: maplibregl.Map, overlay: MapLibreOverlay, layers: LayersList, placed?: () => void): () => void {
  overlay.setProps({ layers });
  if (map.isStyleLoaded()) {
    placed?.();
    return () => undefined;
  }
  const again = () => {
    if (!map.isStyleLoaded()) return;
    map.off('idle', again);
    // a new list: the overlay places the layers it was given only when the list changes
    overlay.setProps({ layers: [...layers] });
    placed?.();
  };
  map.on('idle', again);
  return () => map.off('idle', again);
}
