"""``adcensus demo-market``: serve the synthetic market."""

from __future__ import annotations

import argparse

from crawler.commands import positive


def add(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "demo-market", help="serve the synthetic demo market on 127.0.0.1",
        description="Serve the synthetic market until Ctrl-C. Advance its clock with "
        "POST /__market/advance?days=N.")
    parser.add_argument("--port", type=int, default=0, help="port (0: any free port)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--listings", type=positive, default=2000)
    parser.add_argument("--advance", type=int, default=0, metavar="DAYS",
                        help="start the market this many days after the baseline day")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from crawler.demo_market.server import serve_forever

    def ready(url: str) -> None:
        print(f"demo market serving on {url} (Ctrl-C stops it)", flush=True)

    serve_forever(seed=args.seed, listings=args.listings, host="127.0.0.1", port=args.port,
                  on_ready=ready, advance_days=args.advance)
    return 0
