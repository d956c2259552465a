export default async function globalTeardown(): Promise<void> {
  await globalThis.__ECART_TEST_DB__?.close();
  globalThis.__ECART_TEST_DB__ = undefined;
}
