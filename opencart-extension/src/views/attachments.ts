// Files on tickets and replies: picked in the form, read in the browser into base64 and sent with
// the ticket or reply through the module's endpoint; downloaded through it too (the store's PHP
// fetches them with the stored key, which never reaches the page).
import type { AttachmentSummaryFragment } from '../generated/graphql';
import type { Context } from '../context';
import { html, render, type Html } from '../html';
import { alert, errorMessage } from './common';

/** The API's limits (server/modules/attachment/attachment-limits.ts). */
export const FILE_LIMITS = { fileBytes: 5 * 1024 * 1024, files: 5, messageBytes: 10 * 1024 * 1024 } as const;

export interface AttachmentInput {
  fileName: string;
  contentBase64: string;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 102.4) / 10} KB`;
  return `${Math.round(bytes / 104857.6) / 10} MB`;
}

/** What one submission may carry: the API's limit, or less when the store's PHP takes smaller requests (post_max_size). */
export function submissionLimit(ctx: Context): number {
  return Math.min(FILE_LIMITS.messageBytes, ctx.boot.uploadBytes ?? FILE_LIMITS.messageBytes);
}

export function fileField(ctx: Context, id: string): Html {
  return html`<div class="form-group mb-3">
    <label for="${id}" class="control-label">Files (optional)</label>
    <input class="form-control" type="file" id="${id}" name="attachments" multiple data-testid="attachments-input">
    <p class="ocsd-help">Up to ${FILE_LIMITS.files} files, ${formatBytes(FILE_LIMITS.fileBytes)} each and ${formatBytes(submissionLimit(ctx))} in all: screenshots (PNG, JPEG, GIF, WebP), PDF, zip, text files and logs. Passwords and keys in text files are removed before they are stored.</p>
  </div>`;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode takes a limited number of arguments.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The chosen files, or what is wrong with them (checked before anything is sent). */
export async function readFiles(ctx: Context, form: HTMLElement): Promise<{ files: AttachmentInput[]; problems: string[] }> {
  const input = form.querySelector<HTMLInputElement>('input[type="file"][name="attachments"]');
  const chosen = Array.from(input?.files ?? []);
  const problems: string[] = [];
  if (chosen.length > FILE_LIMITS.files) problems.push(`Files: at most ${FILE_LIMITS.files} files can go with one message.`);
  for (const file of chosen) {
    if (file.size === 0) problems.push(`Files: ${file.name} is empty.`);
    if (file.size > FILE_LIMITS.fileBytes)
      problems.push(`Files: ${file.name} has ${formatBytes(file.size)}; a file may have at most ${formatBytes(FILE_LIMITS.fileBytes)}.`);
  }
  const total = chosen.reduce((sum, file) => sum + file.size, 0);
  const limit = submissionLimit(ctx);
  if (total > limit) problems.push(`Files: these files have ${formatBytes(total)} together; at most ${formatBytes(limit)} can be sent at once.`);
  if (problems.length) return { files: [], problems };
  const files = await Promise.all(chosen.map(async (file) => ({ fileName: file.name, contentBase64: base64(new Uint8Array(await file.arrayBuffer())) })));
  return { files, problems };
}

export function attachmentList(files: readonly AttachmentSummaryFragment[]): Html {
  if (!files.length) return html``;
  return html`<ul class="ocsd-attachments" data-testid="attachments">${files.map(
    (f) => html`<li><button type="button" class="btn btn-link ocsd-file" data-download="${f.id}" data-name="${f.fileName}">${f.fileName}</button>
      <span class="ocsd-muted">${formatBytes(f.byteSize)}${f.redactions ? ` · ${f.redactions} credential${f.redactions === 1 ? '' : 's'} removed` : ''}</span></li>`,
  )}</ul>`;
}

/** Every download button under `root` saves its file; problems are shown in `messages`. */
export function bindDownloads(ctx: Context, root: HTMLElement, messages: HTMLElement): void {
  root.querySelectorAll<HTMLButtonElement>('[data-download]').forEach((button) =>
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const file = await ctx.endpoint.call<{ contentType: string; contentBase64: string }>('attachment.download', { id: button.dataset.download });
        const bytes = Uint8Array.from(atob(file.contentBase64), (c) => c.charCodeAt(0));
        const url = URL.createObjectURL(new Blob([bytes], { type: file.contentType }));
        const link = document.createElement('a');
        link.href = url;
        link.download = button.dataset.name ?? 'attachment';
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      } catch (error) {
        render(messages, alert('danger', errorMessage(error)));
      } finally {
        button.disabled = false;
      }
    }),
  );
}
