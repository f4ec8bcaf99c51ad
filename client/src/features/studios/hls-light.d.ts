/** hls.js's light build (no subtitles, DRM or alternate audio: the public stream has none) has the full build's API. */
declare module 'hls.js/light' {
  export { default } from 'hls.js';
}
