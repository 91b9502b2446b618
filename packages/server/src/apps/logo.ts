import { createHash } from 'node:crypto';
import { imageSize } from 'image-size';
import { ValidationError } from '../errors.ts';
import type { AppLogoStore } from '../storage/storage.ts';
import type { AppLogo } from '../storage/types.ts';

export type { AppLogo } from '../storage/types.ts';

import { newId } from '../util/random.ts';

/** Largest logo accepted, as the console says: 256 KB. */
export const MAX_LOGO_BYTES = 256 * 1024;
const MAX_SIDE = 4096;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/**
 * Decides what an upload is from its bytes alone, never from the name or declared type:
 * the magic number must say PNG or JPEG and a structural parse (image-size) must agree
 * and find sane dimensions. SVG, HTML, or a script behind a PNG name fail here.
 */
export function inspectLogo(bytes: Uint8Array): {
  contentType: AppLogo['contentType'];
  width: number;
  height: number;
} {
  const bad = (why: string) => new ValidationError(`logo ${why}`, { logo: why });
  if (bytes.length === 0) throw bad('is empty');
  if (bytes.length > MAX_LOGO_BYTES) throw bad('is larger than 256 KB');
  const magic = startsWith(bytes, PNG_MAGIC) ? 'png' : startsWith(bytes, JPEG_MAGIC) ? 'jpg' : undefined;
  if (!magic) throw bad('must be a PNG or JPEG image');
  let parsed: ReturnType<typeof imageSize>;
  try {
    parsed = imageSize(bytes);
  } catch {
    throw bad('is not a readable PNG or JPEG image');
  }
  if (parsed.type !== magic) throw bad('is not a readable PNG or JPEG image');
  const { width, height } = parsed;
  if (!width || !height || width > MAX_SIDE || height > MAX_SIDE)
    throw bad(`must be between 1 and ${MAX_SIDE} pixels on each side`);
  return { contentType: magic === 'png' ? 'image/png' : 'image/jpeg', width, height };
}

/** The stable path a stored logo is served at; apps keep it as their `logoUrl`. */
export const logoPath = (id: string) => `/logos/${id}`;

/** Checks and stores uploaded logos. */
export class LogoService {
  constructor(private readonly storage: AppLogoStore) {}

  /** Throws ValidationError for anything but a PNG or JPEG up to 256 KB. */
  async store(companyId: string, bytes: Uint8Array): Promise<AppLogo> {
    const info = inspectLogo(bytes);
    return this.storage.putAppLogo({
      id: newId('logo'),
      companyId,
      bytes,
      sha256: createHash('sha256').update(bytes).digest('base64url'),
      ...info,
    });
  }

  get(id: string): Promise<AppLogo | undefined> {
    return this.storage.getAppLogo(id);
  }

  /** Deletes one of the company's logos (an upload whose app was then refused). */
  async delete(companyId: string, id: string): Promise<void> {
    await this.storage.deleteAppLogo(companyId, id);
  }

  /** Deletes the logo an app's `logoUrl` points at, if it is one of ours. */
  async deleteFor(companyId: string, logoUrl: string | null): Promise<void> {
    const id = logoUrl?.startsWith('/logos/') ? logoUrl.slice('/logos/'.length) : undefined;
    if (id) await this.delete(companyId, id);
  }
}
