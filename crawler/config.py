"""The run configuration (adcensus.yaml): store, sites, politeness, baseline window.

Relative paths are relative to the config file, so a config works from any directory.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from crawler import __version__
from crawler.consolidate.consolidation import MAX_LISTINGS_PER_CONTACT
from crawler.consolidate.near import NearDuplicateSettings
from crawler.delivery.settings import DeliverySection
from crawler.errors import ConfigError, ConfigErrors
from crawler.ptable import DEFAULT_PARAMETERS, PTableParameters
from crawler.sites import SiteDefinition, load_sites
from crawler.yamlfile import YamlDocument

DEFAULT_USER_AGENT = f"adcensus/{__version__} (research crawler; set crawl.user_agent with a contact)"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SitesSection(Section):
    dir: str = "sites"
    # resolves relative start URLs (the demo market runs on a port chosen at start)
    base_url: str | None = None
    enabled: list[str] | None = None  # None: every site whose definition is enabled


class CrawlSection(Section):
    user_agent: str = DEFAULT_USER_AGENT
    obey_robots_txt: bool = True
    autothrottle: bool = True
    concurrency: int = Field(default=8, ge=1, le=64)
    delay_s: float = Field(default=0.0, ge=0.0, le=600.0)
    page_budget: int = Field(default=20_000, ge=1)  # per site
    time_budget_s: int = Field(default=3_600, ge=10)  # per snapshot
    download_timeout_s: int = Field(default=30, ge=1, le=600)
    retries: int = Field(default=2, ge=0, le=10)
    retry_backoff_s: float = Field(default=1.0, ge=0.0, le=300.0)  # doubles per attempt
    # the snapshot process with its browsers is stopped, site by site, above this
    memory_limit_mb: int = Field(default=1536, ge=0)  # 0: no limit
    # false: fetch browser sites over plain HTTP (diagnosis; shows what the browser adds)
    browser: bool = True
    browser_executable: str | None = None
    browser_pages: int = Field(default=4, ge=1, le=32)  # pages open at once per site
    # long browser crawls grow (contexts keep what their pages leave, Chromium's own
    # processes creep): after this many pages a site's browser context is closed, once
    # its pages are done, and a fresh one opened (spiders/recycle.py)
    browser_pages_per_context: int = Field(default=500, ge=1)
    # ... and after this many pages the browser itself is closed and launched anew
    # (0: never; a multiple of browser_pages_per_context restarts at a context's end)
    browser_restart_pages: int = Field(default=5_000, ge=0)
    log_level: str = Field(default="INFO", pattern="^(DEBUG|INFO|WARNING|ERROR)$")


class BaselineSection(Section):
    window_days: int = Field(default=91, ge=1, le=3_660)


class ConsolidationSection(Section):
    """Near-duplicate thresholds; defaults chosen from the measured curve
    (docs/BENCHMARKS.md). Changing them changes the distinct and advertiser series."""

    near_duplicate_threshold: float = Field(default=90.0, ge=50.0, le=100.0)
    lsh_threshold: float = Field(default=0.4, gt=0.0, lt=1.0)
    num_perm: int = Field(default=96, ge=16, le=512)
    min_words: int = Field(default=5, ge=1, le=100)
    # a contact shown by more unique listings than this is no one's identity (an agency's
    # booking number, a support handle): it links nothing (docs/METHOD.md)
    max_listings_per_contact: int = Field(default=MAX_LISTINGS_PER_CONTACT, ge=2, le=100_000)


class ScheduleSection(Section):
    """How `adcensus serve` runs scheduled snapshots (docs/OPERATIONS.md)."""

    # job definitions only (function reference and config path): default <data_dir>/schedule.sqlite
    job_store: str | None = None
    timezone: str = "Europe/Stockholm"
    # hard limit for a whole snapshot process (crawl, consolidation, write); past it the
    # process is stopped and its run recorded as failed. Default: crawl.time_budget_s + 1800
    time_budget_s: int | None = Field(default=None, ge=1)
    # on SIGTERM/SIGINT, how long a running snapshot may go on before it is cancelled
    stop_grace_s: int = Field(default=120, ge=0, le=86_400)
    # how late a missed run may still start (once: missed runs are coalesced);
    # None: however late, so a machine that was off still takes its catch-up snapshot
    misfire_grace_s: int | None = Field(default=None, ge=1)
    # `adcensus status` warns this many days before the baseline window (and its key) ends
    window_warning_days: int = Field(default=14, ge=0, le=3_660)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (an IANA name such as "
                             "Europe/Stockholm)") from None
        return value


class PrivacySection(Section):
    """The protection of outputs meant for people, the cell key method, and where the
    audit looks for logs (docs/PRIVACY.md). The store always keeps exact counts."""

    # the p-table's parameters (crawler/ptable.py; the defaults are argued in
    # docs/BENCHMARKS.md, "P-table parameters"): the largest perturbation, its variance,
    # and the smallest count ever published above zero (3: no published 1 or 2)
    max_deviation: int = Field(default=DEFAULT_PARAMETERS.max_deviation, ge=1, le=20)
    variance: float = Field(default=DEFAULT_PARAMETERS.variance, gt=0.0, le=50.0)
    smallest_published: int = Field(default=DEFAULT_PARAMETERS.smallest_published, ge=1, le=10)
    # directories where the operator keeps adcensus's logs; `adcensus audit` scans them
    log_dirs: list[str] = []

    @model_validator(mode="before")
    @classmethod
    def _retired(cls, data: object) -> object:
        if isinstance(data, dict):
            for key in ("method", "threshold"):
                if key in data:
                    raise ValueError(
                        f"'{key}' was retired: every output is protected by the cell key "
                        "method now (threshold suppression hid too much and still leaked "
                        "across weeks); remove the key, or set max_deviation, variance and "
                        "smallest_published (docs/PRIVACY.md)")
        return data

    @model_validator(mode="after")
    def _feasible(self) -> PrivacySection:
        self.parameters()  # a p-table that cannot be built is a configuration error
        return self

    def parameters(self) -> PTableParameters:
        return PTableParameters(max_deviation=self.max_deviation, variance=self.variance,
                                smallest_published=self.smallest_published)


class DiscoverySection(Section):
    """Site discovery (docs/PRIVACY.md, "Linked domains"): the floor above which a linked
    domain's name may be stored, and how a domain added by hand is probed. The lower
    bounds are part of the floor: one site or a handful of advertisers can be a person."""

    min_sites: int = Field(default=2, ge=2, le=1_000)
    min_advertisers: int = Field(default=10, ge=5, le=100_000)
    probe_timeout_s: float = Field(default=10.0, gt=0.0, le=120.0)
    state: str | None = None  # default: <data_dir>/discovery.sqlite


class Config(Section):
    store: str = "sqlite:///adcensus-data/adcensus.sqlite"
    data_dir: str = "adcensus-data"
    keys_dir: str | None = None  # default: <data_dir>/keys
    sites: SitesSection = SitesSection()
    crawl: CrawlSection = CrawlSection()
    baseline: BaselineSection = BaselineSection()
    schedule: ScheduleSection = ScheduleSection()
    consolidation: ConsolidationSection = ConsolidationSection()
    privacy: PrivacySection = PrivacySection()
    delivery: DeliverySection = DeliverySection()
    discovery: DiscoverySection = DiscoverySection()


class LoadedConfig:
    """A validated config with its paths resolved and its site definitions loaded."""

    def __init__(self, path: Path, config: Config, sites: list[SiteDefinition]) -> None:
        self.path = path
        self.config = config
        self.base = path.parent
        self.sites = sites

    @property
    def data_dir(self) -> Path:
        return self._resolve(self.config.data_dir)

    @property
    def keys_dir(self) -> Path:
        return self._resolve(self.config.keys_dir) if self.config.keys_dir else self.data_dir / "keys"

    @property
    def reports_dir(self) -> Path:
        """Where `adcensus report` writes by default (outputs meant for people)."""
        return self.data_dir / "reports"

    @property
    def exports_dir(self) -> Path:
        """Where `adcensus export` writes by default."""
        return self.data_dir / "exports"

    @property
    def log_dirs(self) -> list[Path]:
        return [self._resolve(d) for d in self.config.privacy.log_dirs]

    @property
    def store_url(self) -> str:
        url = self.config.store
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            return "sqlite:///" + str(self._resolve(url[len("sqlite:///") :]))
        return url

    @property
    def job_store_path(self) -> Path:
        configured = self.config.schedule.job_store
        return self._resolve(configured) if configured else self.data_dir / "schedule.sqlite"

    @property
    def sites_dir(self) -> Path:
        return self._resolve(self.config.sites.dir)

    @property
    def discovery_state_path(self) -> Path:
        """The states a person gave candidate domains (`adcensus discover`)."""
        configured = self.config.discovery.state
        return self._resolve(configured) if configured else self.data_dir / "discovery.sqlite"

    @property
    def snapshot_time_budget_s(self) -> int:
        configured = self.config.schedule.time_budget_s
        return configured if configured is not None else self.config.crawl.time_budget_s + 1800

    def enabled_sites(self) -> list[SiteDefinition]:
        wanted = self.config.sites.enabled
        if wanted is None:
            return [s for s in self.sites if s.enabled]
        return [s for s in self.sites if s.name in wanted]

    def near_duplicate_settings(self) -> NearDuplicateSettings:
        c = self.config.consolidation
        return NearDuplicateSettings(threshold=c.near_duplicate_threshold,
                                     lsh_threshold=c.lsh_threshold, num_perm=c.num_perm,
                                     min_words=c.min_words)

    def browser_executable(self) -> str | None:
        """Configured path, else Debian's chromium; None lets Playwright use its own build."""
        configured = self.config.crawl.browser_executable
        if configured:
            return configured
        for name in ("chromium", "chromium-browser", "google-chrome"):
            found = shutil.which(name)
            if found:
                return found
        return None

    def config_hash(self) -> str:
        payload = {
            # when and how snapshots are scheduled, how outputs publish counts and who
            # receives them do not change what they count
            "config": self.config.model_dump(mode="json",
                                             exclude={"schedule", "privacy", "delivery"}),
            "sites": [s.model_dump(mode="json") for s in self.sites],
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def _resolve(self, value: str) -> Path:
        p = Path(value)
        return p if p.is_absolute() else (self.base / p).resolve()


def load_config(path: str | Path) -> LoadedConfig:
    path = Path(path)
    doc = YamlDocument.read(path)
    config = doc.validate(Config)
    loaded = LoadedConfig(path.resolve(), config, [])
    sites_dir = loaded._resolve(config.sites.dir)
    loaded.sites = load_sites(sites_dir)
    names = {s.name for s in loaded.sites}
    unknown = [n for n in (config.sites.enabled or []) if n not in names]
    if unknown:
        raise ConfigErrors([
            ConfigError(str(path), f"no site definition named {n!r} in {sites_dir}",
                        key="sites.enabled", line=doc.line_of(["sites", "enabled"]))
            for n in unknown
        ])
    from crawler.store import store_url_problem

    problem = store_url_problem(config.store)
    if problem:
        raise ConfigError(str(path), f"store: {problem}", key="store",
                          line=doc.line_of(["store"]))
    return loaded
