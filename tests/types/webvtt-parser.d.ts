/** The part of webvtt-parser (a WebVTT validator, no types of its own) the tests use. */
declare module 'webvtt-parser' {
  export class WebVTTParser {
    parse(
      text: string,
      mode?: 'metadata' | 'chapters' | 'subtitles',
    ): { errors: { message: string; line: number }[]; cues: { text: string; startTime: number; endTime: number }[] };
  }
}
