"""Which capture targets are refused: literal addresses in every spelling, and resolved names."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from newsarchive.crawler.crawl.downloader.netguard import (
    TargetRefused,
    TargetUnresolvable,
    blocked_reason,
    check_host,
    check_url,
    literal_ip,
    resolve,
)
from newsarchive.crawler.crawl.downloader.netguard_policy import ALLOW_PRIVATE, AddressPolicy


def fake_resolver(table: dict[str, list[str]]) -> Any:
    """A getaddrinfo stand-in: name -> addresses, no network."""

    def resolve(host: str, port: int | None, **_: Any) -> list[tuple[Any, ...]]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port or 80))
            for a in table[host]
        ]

    return resolve


PUBLIC = fake_resolver({"news.example": ["93.184.216.34", "2606:2800:220:1::1"]})


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://127.8.9.10:8080/x", "loopback"),
        ("http://2130706433/", "loopback"),  # decimal
        ("http://0x7f000001/", "loopback"),  # hex
        ("http://0177.0.0.1/", "loopback"),  # octal
        ("http://0x7f.1/", "loopback"),  # hex, two parts
        ("http://127.1/", "loopback"),  # short form
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),  # IPv4-mapped IPv6
        ("http://[::ffff:7f00:1]/", "loopback"),  # the same, in hex
        ("http://[64:ff9b::7f00:1]/", "loopback"),  # NAT64
        ("http://[2002:7f00:1::]/", "loopback"),  # 6to4
        ("http://10.1.2.3/", "private"),
        ("http://192.168.0.1/", "private"),
        ("http://172.16.5.4/", "private"),
        ("http://[fd12::1]/", "private"),
        ("http://[::ffff:10.0.0.1]/", "private"),
        ("http://169.254.1.1/", "link-local"),
        ("http://[fe80::1]/", "link-local"),
        ("http://224.0.0.1/", "multicast"),
        ("http://[ff02::1]/", "multicast"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://240.0.0.1/", "reserved"),
        ("http://100.64.0.1/", "non-public"),  # carrier-grade NAT
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[fd00:ec2::254]/", "metadata"),
        ("http://[::ffff:169.254.169.254]/", "metadata"),
        ("http://localhost:8000/", "loopback name"),
        ("http://LOCALHOST./", "loopback name"),
        ("http://app.localhost/", "loopback name"),
        ("http://metadata.google.internal/computeMetadata/v1/", "metadata"),
    ],
)
def test_private_literals_and_names_are_refused(url: str, why: str) -> None:
    with pytest.raises(TargetRefused, match=why):
        check_url(url, resolver=PUBLIC)


def test_public_literals_and_names_pass() -> None:
    assert [str(a) for a in check_url("http://93.184.216.34/", resolver=PUBLIC)] == ["93.184.216.34"]
    assert [str(a) for a in check_url("https://[2606:2800:220:1::1]/", resolver=PUBLIC)] == [
        "2606:2800:220:1::1"
    ]
    assert len(check_url("https://news.example/2026/a.html", resolver=PUBLIC)) == 2
    assert check_url("http://[::ffff:8.8.8.8]/", resolver=PUBLIC)  # mapped public is public


@pytest.mark.parametrize(
    "answers",
    [["127.0.0.1"], ["10.0.0.7"], ["169.254.169.254"], ["::1"], ["93.184.216.34", "192.168.1.1"]],
)
def test_a_name_resolving_to_any_private_address_is_refused(answers: list[str]) -> None:
    resolver = fake_resolver({"innocent.example": answers})
    with pytest.raises(TargetRefused, match="innocent.example resolves to a private address"):
        check_url("https://innocent.example/story", resolver=resolver)


def test_allow_private_lets_local_through_but_never_metadata() -> None:
    resolver = fake_resolver({"intranet.example": ["10.0.0.7"], "creds.example": ["169.254.169.254"]})
    assert check_url("http://127.0.0.1:8000/", policy=ALLOW_PRIVATE)
    assert check_url(
        "http://localhost/", policy=ALLOW_PRIVATE, resolver=fake_resolver({"localhost": ["127.0.0.1"]})
    )
    assert check_url("http://intranet.example/", policy=ALLOW_PRIVATE, resolver=resolver)
    with pytest.raises(TargetRefused, match="metadata"):
        check_url("http://creds.example/", policy=ALLOW_PRIVATE, resolver=resolver)
    with pytest.raises(TargetRefused, match="metadata"):
        check_url("http://169.254.169.254/", policy=ALLOW_PRIVATE)


def test_the_real_resolver_sees_localhost_as_loopback() -> None:
    # Through the system's getaddrinfo, not the name rule: a name whose answer is
    # what "localhost" resolves to (127.0.0.1, ::1) is refused.
    addresses = resolve("localhost")
    assert addresses and all(blocked_reason(a) for a in addresses)

    def alias(host: str, port: int | None, **kw: Any) -> Any:
        assert host == "alias.example"
        return socket.getaddrinfo("localhost", port, **kw)

    with pytest.raises(TargetRefused, match="alias.example resolves to a private address"):
        check_host("alias.example", resolver=alias)


def test_unresolvable_and_non_http_urls() -> None:
    with pytest.raises(TargetUnresolvable, match="cannot resolve nowhere.example"):
        check_url("http://nowhere.example/", resolver=PUBLIC)
    with pytest.raises(TargetUnresolvable, match="no host"):
        check_url("http:///path", resolver=PUBLIC)
    with pytest.raises(TargetRefused, match="only http and https"):
        check_url("file:///etc/passwd", resolver=PUBLIC)
    with pytest.raises(TargetRefused, match="only http and https"):
        check_url("gopher://news.example/", resolver=PUBLIC)


def test_literal_ip_spellings() -> None:
    assert str(literal_ip("2130706433")) == "127.0.0.1"
    assert str(literal_ip("0x7f.0.0.1")) == "127.0.0.1"
    assert str(literal_ip("[::1]")) == "::1"
    assert str(literal_ip("fe80::1%eth0")) == "fe80::1"
    assert literal_ip("news.example") is None
    assert literal_ip("1.2.3.4.5") is None
    assert literal_ip("99999999999") is None  # beyond 32 bits: a name, not an address


def test_blocked_reason_names_the_rule() -> None:
    from ipaddress import ip_address

    assert blocked_reason(ip_address("8.8.8.8")) is None
    assert blocked_reason(ip_address("192.168.1.1")) == "192.168.1.1 is a private address"
    assert blocked_reason(ip_address("192.168.1.1"), ALLOW_PRIVATE) is None


def test_the_allow_list_names_hosts_and_networks_never_metadata_or_link_local() -> None:
    from ipaddress import ip_address

    policy = AddressPolicy.parse(["intranet.example, 10.20.0.0/16", "127.0.0.1 [::1]"])
    assert policy.hosts == {"intranet.example"} and len(policy.networks) == 3
    assert blocked_reason(ip_address("10.20.3.4"), policy) is None
    assert blocked_reason(ip_address("10.21.3.4"), policy) == "10.21.3.4 is a private address"
    assert blocked_reason(ip_address("::ffff:127.0.0.1"), policy) is None  # mapped: its IPv4 address
    assert blocked_reason(ip_address("192.168.9.9"), policy, "intranet.example") is None
    assert blocked_reason(ip_address("192.168.9.9"), policy, "other.example") is not None
    everything = AddressPolicy.parse("*, 0.0.0.0/0, ::/0, intranet.example")
    for address in ("169.254.169.254", "169.254.1.1", "fe80::1", "fd00:ec2::254", "::ffff:169.254.169.254"):
        assert blocked_reason(ip_address(address), everything, "intranet.example") is not None, address
    resolver = fake_resolver({"intranet.example": ["10.0.0.7"], "localhost": ["127.0.0.1", "::1"]})
    assert check_url(
        "http://intranet.example/", policy=AddressPolicy.parse("intranet.example"), resolver=resolver
    )
    with pytest.raises(TargetRefused, match="::1 is a loopback"):
        check_url("http://localhost/", policy=AddressPolicy.parse("127.0.0.1"), resolver=resolver)
    assert check_url("http://localhost/", policy=AddressPolicy.parse("localhost"), resolver=resolver)
    with pytest.raises(ValueError, match="'http://x/' is neither a host name"):
        AddressPolicy.parse("http://x/")


def test_a_bad_allow_list_is_a_usage_error_not_an_open_guard() -> None:
    from click.testing import CliRunner

    from newsarchive.crawler.cli import main

    done = CliRunner().invoke(main, ["--allow-private-hosts", "not/a host", "sources", "check"])
    assert done.exit_code == 2 and "neither a host name" in done.output
    done = CliRunner().invoke(
        main, ["capture", "-s", "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS=a b/c", "http://x.example/"]
    )
    assert done.exit_code == 2 and "neither a host name" in done.output
