"""How adcensus launches Chromium, for the crawl (scrapy-playwright) and for the reports'
PDF (Playwright): the same arguments and the same clean environment for both.
"""

from __future__ import annotations

import os

# no disk cache, no crash reporter, no background traffic: nothing of a page outlives it
CHROMIUM_ARGS = [
    "--headless=new",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--disk-cache-size=1",
    "--media-cache-size=1",
    "--disable-dev-shm-usage",
]


def browser_env(home: str) -> dict[str, str]:
    # without this Chromium writes "Crash Reports" (a crash dump holds page memory) under
    # ~/.config/chromium and a dconf cache under ~/.cache, outside the temporary directory;
    # and the browser needs none of our secrets (window keys, store credentials)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ADCENSUS_"))}
    env.update(HOME=home, XDG_CONFIG_HOME=f"{home}/.config", XDG_CACHE_HOME=f"{home}/.cache",
               XDG_DATA_HOME=f"{home}/.local/share")
    return env
