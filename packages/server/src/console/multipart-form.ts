import type { FastifyRequest } from 'fastify';
import { inspectLogo, MAX_LOGO_BYTES } from '../apps/logo.ts';
import { ValidationError } from '../errors.ts';
import { guardFormFields } from '../http/input-guard.ts';

const MULTILINE = new Set([
  'redirect_uris',
  'post_logout_redirect_uris',
  'exchange_resources',
  'exchange_subjects',
]);

export interface AppForm {
  fields: Map<string, string[]>;
  logo: Buffer | undefined;
  /** Set when the upload broke a limit before we could look at it. */
  logoProblem?: string;
}

/**
 * Reads the create-app form (multipart/form-data, parsed by @fastify/multipart). The logo
 * is kept only as bytes: its file name and declared type are ignored, the bytes decide.
 */
export async function readAppForm(request: FastifyRequest): Promise<AppForm | undefined> {
  if (!request.isMultipart()) return undefined;
  const fields = new Map<string, string[]>();
  let logo: Buffer | undefined;
  let logoProblem: string | undefined;
  try {
    for await (const part of request.parts({ limits: { fileSize: MAX_LOGO_BYTES, files: 1, fields: 200 } })) {
      if (part.type === 'file') {
        try {
          const bytes = await part.toBuffer();
          if (part.fieldname === 'logo' && bytes.length > 0) logo = bytes;
        } catch (err) {
          if ((err as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw err;
          logoProblem = 'logo is larger than 256 KB';
        }
      } else if (typeof part.value === 'string') {
        fields.set(part.fieldname, [...(fields.get(part.fieldname) ?? []), part.value]);
      }
    }
  } catch (err) {
    request.log.info({ code: (err as { code?: string }).code }, 'multipart form refused');
    return undefined;
  }
  // The redirect URI textarea is multi-line; every other field is one line.
  guardFormFields(request, fields, MULTILINE);
  return { fields, logo, ...(logoProblem ? { logoProblem } : {}) };
}

export const one = (form: AppForm, name: string) => form.fields.get(name)?.[0] ?? '';

/** The uploaded logo's problem by field (it broke a limit, or the bytes are no PNG or JPEG); {} when fine or absent. */
export function logoErrors(form: AppForm): Record<string, string> {
  if (form.logoProblem) return { logo: form.logoProblem };
  if (!form.logo) return {};
  try {
    inspectLogo(form.logo);
    return {};
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return err.fields;
  }
}

/** A textarea's non-empty lines, trimmed (redirect URIs). */
export const formLines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((u) => u.trim())
    .filter((u) => u !== '');

/** A whole number of seconds as typed, or NaN, which the app service refuses naming the field. */
export const formSeconds = (text: string) =>
  /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
