"""``adcensus discover``: candidate sites that the monitored ones link to, and the
decisions a person takes about them (docs/OPERATIONS.md, "Site discovery")."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from crawler.commands import EXIT_USAGE, positive


def add(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "discover", help="candidate sites the monitored ones link to",
        description="List the unmonitored domains that the monitored sites and their "
        "advertisers link to, ranked by how many sites and advertisers link to them and "
        "how that changed over the last snapshots, each with its state: new, rising "
        "(more link to it), dismissed or monitored. Only domains above the floor "
        "(config discovery.min_sites / min_advertisers, docs/PRIVACY.md) are ever "
        "stored or named; numbers are published through the cell key method.")
    parser.add_argument("--config", type=Path, default=Path("adcensus.yaml"))
    parser.add_argument("--all", action="store_true", help="show dismissed domains too")
    parser.add_argument("--snapshots", type=positive, default=4,
                        help="how many recent snapshots to show the course over (default 4)")
    parser.set_defaults(func=list_command)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    dismiss = sub.add_parser("dismiss", help="mark a domain as looked at and not wanted",
                             description="Mark a candidate domain dismissed: it stays "
                             "listed with --all, below the others.")
    dismiss.add_argument("domain")
    dismiss.add_argument("--config", type=Path, default=Path("adcensus.yaml"))
    dismiss.set_defaults(func=dismiss_command)

    adopt = sub.add_parser("adopt", help="mark a domain monitored and draft its site definition",
                           description="Mark a candidate domain monitored and write a "
                           "site definition draft (<name>.yaml.draft, disabled, with TODO "
                           "markers) into the sites directory; complete it until "
                           "`adcensus sites validate` accepts it, then `adcensus sites check`.")
    adopt.add_argument("domain")
    adopt.add_argument("--config", type=Path, default=Path("adcensus.yaml"))
    adopt.set_defaults(func=adopt_command)

    for name, helptext in (("add", "add a candidate domain by hand, and probe it"),
                           ("probe", "probe a candidate domain again")):
        cmd = sub.add_parser(name, help=helptext, description=(
            "Probe a domain politely: its robots.txt and its front page only, with the "
            "crawl's user agent and the config's discovery.probe_timeout_s; robots.txt is "
            "obeyed and nothing of the pages is kept. The domain is marked reachable or "
            "not, with the reason." + (" `add` keeps the domain as a candidate first (an "
                                       "arena that support services report: a social "
                                       "network, a messaging or sugardating app)."
                                       if name == "add" else "")))
        cmd.add_argument("domain")
        cmd.add_argument("--config", type=Path, default=Path("adcensus.yaml"))
        if name == "add":
            cmd.add_argument("--note", default="", help="why it is a candidate (who reported it); "
                             "no personal data")
            cmd.add_argument("--no-probe", action="store_true", help="add without probing")
        cmd.add_argument("--scheme", choices=("https", "http"), default="https")
        cmd.add_argument("--resolve", action="append", default=[], metavar="HOST=ADDRESS:PORT",
                         help="reach HOST at ADDRESS:PORT without DNS, as curl --resolve "
                         "(the demo's .test domains on 127.0.0.1; http only)")
        cmd.set_defaults(func=add_command if name == "add" else probe_command)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _domain(text: str) -> str | None:
    from crawler.discovery.domains import BadDomain, parse_domain

    try:
        return parse_domain(text)
    except BadDomain as exc:
        print(f"adcensus: not a domain: {exc}", file=sys.stderr)
        return None


def list_command(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.discovery.candidates import candidates, render
    from crawler.discovery.states import States
    from crawler.protection import protection_for
    from crawler.store import open_store

    loaded = load_config(args.config)
    with States(loaded.discovery_state_path) as states, open_store(loaded.store_url) as store:
        found = candidates(store, protection_for(loaded), states.all(), args.snapshots)
    print(render(found, show_all=args.all))
    return 0


def dismiss_command(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.discovery.states import CandidateState, States

    domain = _domain(args.domain)
    if domain is None:
        return EXIT_USAGE
    loaded = load_config(args.config)
    with States(loaded.discovery_state_path) as states:
        states.set_state(domain, CandidateState.DISMISSED, _now())
    print(f"{domain}: dismissed")
    return 0


def adopt_command(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.discovery.skeleton import write_skeleton
    from crawler.discovery.states import CandidateState, States

    domain = _domain(args.domain)
    if domain is None:
        return EXIT_USAGE
    loaded = load_config(args.config)
    try:
        path = write_skeleton(loaded.sites_dir, domain, _now()[:10])
    except FileExistsError as exc:
        print(f"adcensus: {exc}", file=sys.stderr)
        return EXIT_USAGE
    with States(loaded.discovery_state_path) as states:
        states.set_state(domain, CandidateState.MONITORED, _now())
    print(f"{domain}: monitored; site definition draft written to {path}\n"
          f"complete its TODOs until `adcensus sites validate {path}` says ok, rename it to "
          f"{path.name.removesuffix('.draft')}, run `adcensus sites check` and enable it")
    return 0


def _resolve_map(values: list[str]) -> dict[str, tuple[str, int]] | None:
    out = {}
    for value in values:
        host, sep, target = value.partition("=")
        address, colon, port = target.rpartition(":")
        if not (sep and colon and address and port.isdigit()):
            print(f"adcensus: --resolve {value!r}: write HOST=ADDRESS:PORT", file=sys.stderr)
            return None
        out[host.lower()] = (address.strip("[]"), int(port))
    return out


def _probe(args: argparse.Namespace, loaded, domain: str) -> int:
    from crawler.discovery.probe import probe
    from crawler.discovery.states import States

    resolve = _resolve_map(args.resolve)
    if resolve is None:
        return EXIT_USAGE
    if resolve and args.scheme == "https":
        print("adcensus: --resolve works with --scheme http only", file=sys.stderr)
        return EXIT_USAGE
    result = probe(domain, loaded.config.crawl.user_agent,
                   loaded.config.discovery.probe_timeout_s, args.scheme, resolve)
    with States(loaded.discovery_state_path) as states:
        states.record_probe(domain, result.reachable, result.reason, _now())
    print(result)
    return 0 if result.reachable else 1


def add_command(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.discovery.states import States

    domain = _domain(args.domain)
    if domain is None:
        return EXIT_USAGE
    loaded = load_config(args.config)
    with States(loaded.discovery_state_path) as states:
        states.add_by_hand(domain, args.note, _now())
    print(f"{domain}: added as a candidate")
    return 0 if args.no_probe else _probe(args, loaded, domain)


def probe_command(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.discovery.states import States

    domain = _domain(args.domain)
    if domain is None:
        return EXIT_USAGE
    loaded = load_config(args.config)
    with States(loaded.discovery_state_path) as states:
        if states.get(domain) is None:
            states.add_by_hand(domain, "", _now())
    return _probe(args, loaded, domain)
