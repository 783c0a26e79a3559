"""An order service with the async mistakes the guide forbids."""
import asyncio
import subprocess
import time

import requests


async def notify_warehouse(order_id: str) -> None:
    await asyncio.sleep(0.1)
    print("notified", order_id)


async def place_order(order_id: str) -> dict[str, str]:
    # Blocking HTTP inside a coroutine: every other request waits for this one.
    response = requests.post("https://payments.invalid/charge", json={"order": order_id}, timeout=5)
    # Fire-and-forget: nobody keeps the task, its failure is lost.
    asyncio.create_task(notify_warehouse(order_id))
    return {"order": order_id, "status": str(response.status_code)}


async def retry_later(order_id: str) -> None:
    time.sleep(2)  # blocks the event loop for two seconds
    await place_order(order_id)


async def archive(order_id: str) -> None:
    with open(f"/tmp/{order_id}.json", "w") as handle:
        handle.write(order_id)
    subprocess.run(["gzip", f"/tmp/{order_id}.json"], check=True)


def sync_report(order_id: str) -> None:
    # Sync code may block: not flagged.
    time.sleep(1)
    print(order_id)


async def main() -> None:
    async with asyncio.TaskGroup() as tg:
        tg.create_task(place_order("A-1"))
        tg.create_task(retry_later("A-2"))


if __name__ == "__main__":
    asyncio.run(main())
