import type { Response } from 'express';

/** Writes a chunk of a streamed response, waiting when the client reads slower than it is made. */
export async function writeChunk(res: Response, chunk: string): Promise<void> {
  if (chunk.length > 0 && !res.write(chunk)) await new Promise<void>((resolve) => res.once('drain', resolve));
}
