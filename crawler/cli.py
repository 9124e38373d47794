"""The ``adcensus`` command."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import yaml

from crawler import __version__
from crawler.errors import AdcensusError

EXIT_USAGE = 2
REPO_SITES = Path(__file__).resolve().parent.parent / "sites"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except AdcensusError as exc:
        print(f"adcensus: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("adcensus: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="adcensus",
        description="Aggregated snapshots of online sex-service ad boards, profile directories "
        "and sugardating sites. Keeps counts, never content.",
    )
    parser.add_argument("--version", action="version", version=f"adcensus {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    demo = commands.add_parser(
        "demo", help="run the whole method on the bundled synthetic market",
        description="Start the synthetic demo market on a free 127.0.0.1 port, take a baseline "
        "snapshot, advance the market by a week, take a second snapshot, print a summary, stop "
        "the market. The SQLite store is left in DATA_DIR/demo.sqlite.")
    demo.add_argument("--listings", type=_positive, default=400,
                      help="unique listings live in the market at the baseline (default 400)")
    demo.add_argument("--seed", type=int, default=1, help="market seed (default 1)")
    demo.add_argument("--days", type=_positive, default=7,
                      help="days the market advances between the snapshots (default 7)")
    demo.add_argument("--data-dir", type=Path, default=Path("adcensus-data"),
                      help="where the demo's store, keys and config go (default ./adcensus-data)")
    demo.add_argument("--no-browser", action="store_true",
                      help="fetch the JavaScript sites without a browser (they then yield nothing)")
    demo.set_defaults(func=_demo)

    market = commands.add_parser(
        "demo-market", help="serve the synthetic demo market on 127.0.0.1",
        description="Serve the synthetic market until Ctrl-C. Advance its clock with "
        "POST /__market/advance?days=N.")
    market.add_argument("--port", type=int, default=0, help="port (0: any free port)")
    market.add_argument("--seed", type=int, default=1)
    market.add_argument("--listings", type=_positive, default=2000)
    market.add_argument("--advance", type=int, default=0, metavar="DAYS",
                        help="start the market this many days after the baseline day")
    market.set_defaults(func=_demo_market)

    snapshot = commands.add_parser(
        "snapshot", help="crawl every enabled site once and store the indicators",
        description="Take one snapshot in a subprocess (listings live only in its memory). "
        "Exit status: 0 complete, 3 partial (a site failed), 1 failed, 2 bad configuration.")
    snapshot.add_argument("--config", type=Path, default=Path("adcensus.yaml"))
    snapshot.add_argument("--quiet", action="store_true", help="no progress lines")
    snapshot.set_defaults(func=_snapshot)

    summary = commands.add_parser("summary", help="print the latest snapshot's counts",
                                  description="Counts per site and locality of the latest "
                                  "snapshot, new and gone against the baseline.")
    summary.add_argument("--config", type=Path, default=Path("adcensus.yaml"))
    summary.set_defaults(func=_summary)

    sites = commands.add_parser("sites", help="site definitions",
                                description="Work with site definitions (YAML).")
    sites_commands = sites.add_subparsers(title="commands", metavar="COMMAND")
    validate = sites_commands.add_parser(
        "validate", help="check site definition files",
        description="Check every site definition; errors name file, line and key.")
    validate.add_argument("paths", nargs="*", type=Path,
                          help="files or directories (default: the config's sites.dir)")
    validate.add_argument("--config", type=Path, default=None)
    validate.set_defaults(func=_sites_validate)
    sites.set_defaults(func=lambda args: sites.print_help() or EXIT_USAGE)
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def run_snapshot(config: Path, quiet: bool = False) -> int:
    """Run one snapshot in its own process; returns its exit status."""
    command = [sys.executable, "-m", "scheduler.snapshot_process", "--config", str(config)]
    if quiet:
        command.append("--quiet")
    return subprocess.run(command, check=False).returncode


def _snapshot(args: argparse.Namespace) -> int:
    from crawler.config import load_config

    load_config(args.config)  # fail here, with the file and key named, before a process starts
    return run_snapshot(args.config, args.quiet)


def _summary(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.report.console import summary
    from crawler.store import open_store

    loaded = load_config(args.config)
    with open_store(loaded.store_url) as store:
        print(summary(store))
    return 0


def _sites_validate(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.errors import ConfigError, ConfigErrors
    from crawler.sites import load_site, load_sites

    paths: list[Path] = list(args.paths)
    if not paths:
        if args.config is not None:
            loaded = load_config(args.config)
            print(f"ok: {len(loaded.sites)} site definition(s) valid")
            return 0
        paths = [Path("sites")]
    errors: list[ConfigError] = []
    count = 0
    for path in paths:
        try:
            count += len(load_sites(path)) if path.is_dir() else bool(load_site(path))
        except ConfigErrors as exc:
            errors.extend(exc.errors)
        except ConfigError as exc:
            errors.append(exc)
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        return EXIT_USAGE
    print(f"ok: {count} site definition(s) valid")
    return 0


def _demo_market(args: argparse.Namespace) -> int:
    from crawler.demo_market.server import serve_forever

    def ready(url: str) -> None:
        print(f"demo market serving on {url} (Ctrl-C stops it)", flush=True)

    serve_forever(seed=args.seed, listings=args.listings, host="127.0.0.1", port=args.port,
                  on_ready=ready, advance_days=args.advance)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.demo_market.generator import generate
    from crawler.demo_market.server import MarketServer
    from crawler.report.console import summary
    from crawler.store import open_store

    started = time.monotonic()
    data_dir: Path = args.data_dir.resolve()
    store_path = data_dir / "demo.sqlite"
    keys_dir = data_dir / "demo-keys"
    # each demo is its own window: an earlier demo's baseline would make nothing "new"
    for stale in (store_path, Path(f"{store_path}-wal"), Path(f"{store_path}-shm")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(keys_dir, ignore_errors=True)
    data_dir.mkdir(parents=True, exist_ok=True)

    print(f"generating a synthetic market: seed {args.seed}, {args.listings} listings", flush=True)
    market = generate(seed=args.seed, listings=args.listings)
    with MarketServer(market) as server:
        config_path = data_dir / "demo-adcensus.yaml"
        config_path.write_text(yaml.safe_dump(_demo_config(server.url, store_path, keys_dir,
                                                           browser=not args.no_browser),
                                              sort_keys=False))
        load_config(config_path)
        print(f"demo market on {server.url}; config {config_path}", flush=True)
        statuses = [run_snapshot(config_path)]
        print(f"advancing the market by {args.days} days", flush=True)
        market.advance(args.days)
        statuses.append(run_snapshot(config_path))
    with open_store(f"sqlite:///{store_path}") as store:
        print()
        print(summary(store))
    print(f"\nstore: {store_path}  ({time.monotonic() - started:.0f} s)")
    return max(statuses)


def _demo_config(url: str, store_path: Path, keys_dir: Path, browser: bool) -> dict[str, object]:
    return {
        "store": f"sqlite:///{store_path}",
        "data_dir": str(store_path.parent),
        "keys_dir": str(keys_dir),
        "sites": {"dir": str(REPO_SITES), "base_url": url},
        # the demo market is ours and local: no politeness delay needed
        "crawl": {"autothrottle": False, "delay_s": 0, "concurrency": 16,
                  "user_agent": f"adcensus/{__version__} demo", "browser": browser,
                  # the progress lines tell the story; Scrapy's INFO lines would bury them
                  "log_level": "WARNING"},
    }


if __name__ == "__main__":
    sys.exit(main())
