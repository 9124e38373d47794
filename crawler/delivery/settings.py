"""``delivery:`` in adcensus.yaml: who gets the weekly summaries and alerts, and through
which SMTP server.

Recipients are coordinators' work addresses: configuration, not advertisers' data. The
SMTP password is a secret and never lives in adcensus.yaml: it is read at send time from
an environment variable (``password_env``) or a file outside the data directory
(``password_file``); a ``password`` key is refused with a message saying so.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from crawler.errors import ConfigError

DEFAULT_PASSWORD_ENV = "ADCENSUS_SMTP_PASSWORD"
# a plain address (the display name, if any, comes from the report): local@domain.tld
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_SECRET_KEYS = ("pass", "passwd", "secret")
_NO_PASSWORD = ("may not be written in adcensus.yaml: the SMTP password is read from the "
                f"environment variable named by password_env (default {DEFAULT_PASSWORD_ENV}) "
                "or from a file outside the data directory named by password_file; remove the "
                "key (and change the password if the file was shared)")


def _address(value: str) -> str:
    value = value.strip()
    if not _ADDRESS.match(value):
        raise ValueError(f"{value!r} is not an e-mail address (name@example.se)")
    return value


def _county(value: str) -> str:
    """A län as a person writes it, kept as its ISO 3166-2 code."""
    from crawler.errors import AdcensusError
    from crawler.report.lan import resolve

    try:
        return resolve(str(value)).iso
    except AdcensusError as exc:
        raise ValueError(str(exc)) from None


Address = Annotated[str, AfterValidator(_address)]
CountyKey = Annotated[str, AfterValidator(_county)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SmtpSection(_Section):
    host: str = "localhost"
    # 587 for STARTTLS, 465 for implicit TLS; 25 for a relay on the machine itself
    port: int = Field(default=587, ge=1, le=65_535)
    # "none" only for a relay on this machine (localhost): anything else goes encrypted
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    password_env: str = DEFAULT_PASSWORD_ENV
    password_file: str | None = None
    # a CA bundle for a server whose certificate no system CA signed (an internal relay)
    ca_file: str | None = None
    timeout_s: float = Field(default=30.0, gt=0.0, le=600.0)
    # only ever refused: declared so that the error names this key (and its line)
    password: None = Field(default=None, exclude=True, repr=False)

    @field_validator("password", mode="before")
    @classmethod
    def _no_password_here(cls, value: object) -> None:
        raise ValueError(f"the password {_NO_PASSWORD}")

    @model_validator(mode="before")
    @classmethod
    def _no_secret_here(cls, data: object) -> object:
        if isinstance(data, dict):
            for key in _SECRET_KEYS:
                if key in data:
                    raise ValueError(f"'{key}' {_NO_PASSWORD}")
        return data


class DeliverySection(_Section):
    """Weekly summaries and same-day alerts by e-mail (docs/OPERATIONS.md, "Delivery")."""

    enabled: bool = False
    sender: Address | None = None
    sender_name: str = "adcensus"
    smtp: SmtpSection = SmtpSection()
    # län (name, länskod or ISO code) -> its coordinators
    lan: dict[CountyKey, list[Address]] = {}
    # the national overview's readers
    national: list[Address] = []
    # a same-day alert to the län's recipients when a snapshot finds a stated age under 18
    alerts: bool = True
    # attempts per message, the first included; the wait doubles after each failure
    attempts: int = Field(default=5, ge=1, le=20)
    retry_backoff_s: float = Field(default=60.0, ge=0.0, le=86_400.0)
    # how often `serve` looks for e-mails whose next try is due
    poll_s: float = Field(default=30.0, ge=0.1, le=3_600.0)

    @model_validator(mode="after")
    def _complete(self) -> DeliverySection:
        if self.enabled and self.sender is None:
            raise ValueError("'sender' is required when delivery is enabled (the From: "
                             "address, e.g. adcensus@region.se)")
        return self

    def recipients(self, county: str) -> list[str]:
        """The addresses of one län (ISO code), or of the national list for "SE"."""
        return list(self.national if county == NATIONAL else self.lan.get(county, []))


NATIONAL = "SE"  # the key of the national overview's deliveries


def password(section: SmtpSection, config_path: Path, data_dir: Path,
             env: Mapping[str, str] | None = None) -> str | None:
    """The SMTP password from the file or the variable; None when no login is configured.
    Errors name the config file and key, never the password."""
    env = os.environ if env is None else env
    if section.username is None:
        return None
    if section.password_file:
        path = Path(section.password_file)
        path = path if path.is_absolute() else (config_path.parent / path).resolve()
        if path.resolve().is_relative_to(data_dir.resolve()):
            raise ConfigError(str(config_path), f"{path} lies inside the data directory "
                              f"{data_dir}, beside the store and the reports; keep the password "
                              "outside it", key="delivery.smtp.password_file")
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(str(config_path), f"cannot read {path} ({exc.strerror})",
                              key="delivery.smtp.password_file") from None
        return text.rstrip("\r\n")
    value = env.get(section.password_env)
    if not value:
        raise ConfigError(str(config_path), f"username {section.username!r} is set but the "
                          f"environment variable {section.password_env} is empty or unset "
                          "(or name a file with password_file)", key="delivery.smtp.password_env")
    return value
