/** The drawing-buffer hook of deck.gl's canvas context (luma.gl), where the overlay shares MapLibre's WebGL context. */
export interface DeckSurface {
  setDrawingBufferSize(width: number, height: number): void;
}

/**
 * deck.gl drawn interleaved keeps its own idea of the drawing-buffer size, which does not follow
 * MapLibre's pixel ratio; tell it the canvas's size or it draws at 1× into a corner of a 2× frame.
 * (MapLibreOverlay keeps its Deck in `_deck`; no public accessor exists.)
 */
export function deckSurface(overlay: unknown): DeckSurface | null {
  const deck = (overlay as { _deck?: { device?: { getDefaultCanvasContext?: () => DeckSurface } } } | null)?._deck;
  return deck?.device?.getDefaultCanvasContext?.() ?? null;
}
