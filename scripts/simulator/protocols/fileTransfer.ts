/** Fetches a file as a charger downloading firmware would: true when it came whole. */
export async function download(location: string): Promise<boolean> {
  try {
    const response = await fetch(location, { signal: AbortSignal.timeout(30_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** Posts a file (multipart, as diagnostics and logs are uploaded) to `{location}/{fileName}`. */
export async function upload(location: string, fileName: string, content: string): Promise<boolean> {
  try {
    const form = new FormData();
    form.append('file', new Blob([content], { type: 'text/plain' }), fileName);
    const response = await fetch(`${location.replace(/\/$/, '')}/${fileName}`, {
      method: 'POST',
      body: form,
      signal: AbortSignal.timeout(30_000),
    });
    return response.ok;
  } catch {
    return false;
  }
}
