import type * as maplibregl from 'maplibre-gl';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import type { SceneValue } from '../../server/schemas/decks.ts';
import type { PresentTown, SceneData } from './scene-load.ts';
import { SlideMap } from './slide-map.tsx';

/** A frame as a JPEG data URL, encoded off the main thread where the browser can. */
async function jpeg(bitmap: ImageBitmap): Promise<string> {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d canvas');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return dataUrlOf(await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 }));
}

/** A blob as a data URL (what pptxgenjs and an <img> take). */
export function dataUrlOf(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(blob);
  });
}

/** A map picture's box on the slide, in CSS pixels (drawn at 2×). */
export interface PictureSize {
  width: number;
  height: number;
}

/**
 * Pictures of scenes' maps, drawn one after another by one map on a stage out of sight at twice
 * the pixels (sharp on a projector and in print), as JPEG data URLs. Nothing leaves the machine:
 * the basemap is the town's own.
 */
export class MapCamera {
  #stage: HTMLDivElement;
  #root: ReturnType<typeof createRoot>;
  #map: maplibregl.Map | null = null;
  #frame = 0;

  constructor() {
    this.#stage = document.createElement('div');
    this.#stage.setAttribute('aria-hidden', 'true');
    Object.assign(this.#stage.style, { position: 'fixed', left: '0', top: '0', visibility: 'hidden', pointerEvents: 'none', zIndex: '-1' });
    document.body.append(this.#stage);
    this.#root = createRoot(this.#stage);
  }

  /**
   * The picture of one of a scene's maps (`which`: 0, or 1 for the period compared): resolves once
   * drawn to the JPEG's promise, so the next picture can be drawn while this one is encoded.
   */
  async picture(
    town: PresentTown,
    theme: 'light' | 'dark',
    scene: SceneValue,
    data: SceneData,
    which: number,
    size: PictureSize,
  ): Promise<{ jpeg: Promise<string> }> {
    Object.assign(this.#stage.style, { width: `${size.width}px`, height: `${size.height}px` });
    // at once, not when the resize observer gets to it: the view is framed for this size
    this.#map?.resize();
    this.#frame += 1;
    const frame = this.#frame;
    await new Promise<void>((resolve) => {
      flushSync(() =>
        this.#root.render(
          <SlideMap
            key={theme}
            town={town}
            theme={theme}
            scene={scene}
            data={data.maps[which]}
            scale={data.scale}
            pixelRatio={2}
            antialias={false}
            frame={frame}
            onMap={(m) => {
              this.#map = m;
            }}
            onDrawn={() => resolve()}
          />,
        ),
      );
    });
    const canvas = this.#map?.getCanvas();
    if (!canvas) throw new Error('地图未能绘制');
    // A copy of the frame taken at once; its JPEG is made while the next picture is being drawn
    // (reading the pixels back waits for the GPU, which is slow in software).
    const frameCopy = createImageBitmap(canvas);
    return { jpeg: frameCopy.then(jpeg) };
  }

  close(): void {
    this.#root.unmount();
    this.#stage.remove();
  }
}
