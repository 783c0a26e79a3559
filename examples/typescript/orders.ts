// An order service with the async mistakes the guide forbids, translated to Node.
import { execSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

async function notifyWarehouse(orderId: string): Promise<void> {
  await fetch("https://warehouse.invalid/notify", { method: "POST", body: orderId, signal: AbortSignal.timeout(5_000) });
}

export async function placeOrder(orderId: string): Promise<string> {
  // Blocking file I/O inside an async function: the event loop stalls.
  const template = readFileSync("templates/order.txt", "utf8");
  // Fire-and-forget: a rejection here is an unhandled rejection.
  notifyWarehouse(orderId);
  return template.replace("{id}", orderId);
}

export async function archive(orderId: string): Promise<void> {
  writeFileSync(`/tmp/${orderId}.json`, orderId);
  execSync(`gzip /tmp/${orderId}.json`);
}

export function loadDefaults(): string {
  // Sync code may block: not flagged.
  return readFileSync("defaults.json", "utf8");
}
