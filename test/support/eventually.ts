/** Reads until `check` holds, at most `ms`: the last value read either way (assert on it). */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 200));
    value = await read();
  }
  return value;
}
