"""The client's address, seen through trusted reverse proxies only.

Behind a reverse proxy every request comes from the proxy's address, so
limits per address would put all visitors in one bucket. The proxy names the
real client in ``X-Forwarded-For``, but any client can send that header too:
it is believed only when the direct peer is one of ``SKH_TRUSTED_PROXIES``
(comma-separated addresses or CIDR networks; default none). The client is
then the rightmost address in the header that is not itself a trusted proxy:
entries left of it were written by the client and may be invented.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_proxies(text: str | None = None) -> tuple[Network, ...]:
    """Parse ``SKH_TRUSTED_PROXIES`` (or ``text``); a bad entry is an error at start, not a silent hole."""
    text = os.environ.get("SKH_TRUSTED_PROXIES", "") if text is None else text
    networks = []
    for part in text.split(","):
        if part.strip():
            try:
                networks.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError as exc:
                raise ValueError(f"SKH_TRUSTED_PROXIES: {part.strip()!r} is not an address or network") from exc
    return tuple(networks)


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address, trusted: Sequence[Network]) -> bool:
    return address is not None and any(address.version == net.version and address in net for net in trusted)


def client_address(peer: str | None, forwarded_for: Iterable[str], trusted: Sequence[Network]) -> str:
    """The address limits are counted against: ``peer`` unless it is a trusted proxy."""
    peer = peer or "unknown"
    if not trusted or not _is_trusted(_parse(peer), trusted):
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break  # garbage in the chain: stop at the last hop a trusted proxy vouched for
        client = str(address)
        if not _is_trusted(address, trusted):
            break
    return client


def of_request() -> str:
    """The current Flask request's client address (``SKH_TRUSTED_PROXIES`` parsed into the app's config)."""
    from flask import current_app, request

    return client_address(
        request.remote_addr, request.headers.getlist("X-Forwarded-For"), current_app.config["SKH_TRUSTED_PROXIES"]
    )
